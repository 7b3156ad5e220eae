"""The embedded backend's events against events recorded on real AWS.

Ground truth (read with the search tool, not copied here): aws-lambda-go ``events/testdata``
``apigw-v2-request-no-authorizer.json`` (a curl GET on ``$default``), ``apigw-v2-request.json``
(query, cookies, path parameters, stage variables, body), ``apigw-websocket-request-send-message.json``
and ``apigw-websocket-request-disconnect.json`` (recorded from Chrome), ``apigw-websocket-request.json``
($connect with a query string); powertools ``tests/events/apiGatewayWebSocketApi{Connect,Message,
Disconnect}.json`` and ``apiGatewayProxyEvent.json`` (the 1.0 sample of
``http-api-develop-integrations-lambda.md``). Each situation lists the exact key set and value types
of the recorded event; fields that only exist with a feature the test does not use (mTLS
``authentication``, ``clientCert``, authorizers) are left out and named where they are.
Then the same events go through powertools' parser models and Mangum, two real consumers.
"""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from websockets.exceptions import ConnectionClosed

from pytest_apigw import (
    Function,
    HttpApi,
    HttpStage,
    LambdaProxyIntegration,
    LambdaWebSocketIntegration,
    WebSocketApi,
    WebSocketStage,
)
from tests.support.events import EventRecorder

STR_MAP = {str: str}  # a map of string to string, any keys
STR_LIST_MAP = {str: [str]}


def shape(value: Any) -> Any:
    """The type tree of a JSON value: dicts keep their keys, lists the set of their items' shapes."""
    if isinstance(value, dict):
        return {k: shape(v) for k, v in value.items()}
    if isinstance(value, list):
        return [shape(v) for v in value]
    return type(value)


def check(value: Any, expected: Any, where: str = "event") -> None:
    """``expected``: a type (``None`` for null), ``[item]``, ``{str: item}`` for a map with any keys, or
    a dict of exact keys."""
    if expected is None:
        assert value is None, f"{where}: {value!r} is not null"
    elif isinstance(expected, type):
        assert type(value) is expected, f"{where}: {value!r} is not {expected.__name__}"
    elif isinstance(expected, list):
        assert isinstance(value, list), f"{where}: {value!r} is not a list"
        for i, item in enumerate(value):
            check(item, expected[0], f"{where}[{i}]")
    elif set(expected) == {str}:
        assert isinstance(value, dict), f"{where}: {value!r} is not a map"
        for k, v in value.items():
            assert isinstance(k, str)
            check(v, expected[str], f"{where}.{k}")
    else:
        assert isinstance(value, dict), f"{where}: {value!r} is not an object"
        assert set(value) == set(expected), (
            f"{where}: keys differ from the recorded event: extra {sorted(set(value) - set(expected))}, "
            f"missing {sorted(set(expected) - set(value))}"
        )
        for k, sub in expected.items():
            check(value[k], sub, f"{where}.{k}")


# -- the recorded shapes, in our words ------------------------------------------------------------

#: apigw-v2-request-no-authorizer.json, less ``authentication`` (mTLS only).
V2_CONTEXT = {
    "accountId": str, "apiId": str, "domainName": str, "domainPrefix": str,
    "http": {"method": str, "path": str, "protocol": str, "sourceIp": str, "userAgent": str},
    "requestId": str, "routeKey": str, "stage": str, "time": str, "timeEpoch": int,
}
V2_PLAIN = {
    "version": str, "routeKey": str, "rawPath": str, "rawQueryString": str, "headers": STR_MAP,
    "requestContext": V2_CONTEXT, "isBase64Encoded": bool,
}
#: apigw-v2-request.json (less ``authorizer``): every optional key present.
V2_FULL = {
    **V2_PLAIN, "cookies": [str], "queryStringParameters": STR_MAP, "pathParameters": STR_MAP,
    "stageVariables": STR_MAP, "body": str,
}
#: The 1.0 sample of http-api-develop-integrations-lambda.md (powertools apiGatewayProxyEvent.json),
#: less ``requestContext.authorizer`` and ``identity.clientCert``; empty maps and no body are null.
V1_IDENTITY = {
    "accessKey": None, "accountId": None, "caller": None, "cognitoAuthenticationProvider": None,
    "cognitoAuthenticationType": None, "cognitoIdentityId": None, "cognitoIdentityPoolId": None,
    "principalOrgId": None, "sourceIp": str, "user": None, "userAgent": str, "userArn": None,
}
V1_CONTEXT = {
    "accountId": str, "apiId": str, "domainName": str, "domainPrefix": str, "extendedRequestId": str,
    "httpMethod": str, "identity": V1_IDENTITY, "path": str, "protocol": str, "requestId": str,
    "requestTime": str, "requestTimeEpoch": int,
    # null in the doc's sample; the route key on the emulator (see test_v1_resource_id below).
    "resourceId": str, "resourcePath": str, "stage": str,
}
V1_FULL = {
    "version": str, "resource": str, "path": str, "httpMethod": str, "headers": STR_MAP,
    "multiValueHeaders": STR_LIST_MAP, "queryStringParameters": STR_MAP,
    "multiValueQueryStringParameters": STR_LIST_MAP, "requestContext": V1_CONTEXT,
    "pathParameters": STR_MAP, "stageVariables": STR_MAP, "body": str, "isBase64Encoded": bool,
}
V1_PLAIN = {
    **V1_FULL, "queryStringParameters": None, "multiValueQueryStringParameters": None,
    "pathParameters": None, "stageVariables": None, "body": None,
}
#: The WebSocket request context common to the three recorded events.
WS_CONTEXT = {
    "routeKey": str, "eventType": str, "extendedRequestId": str, "requestTime": str,
    "messageDirection": str, "stage": str, "connectedAt": int, "requestTimeEpoch": int,
    # powertools' recording (no User-Agent sent) has only sourceIp; Chrome's (aws-lambda-go) both.
    "identity": {"sourceIp": str, "userAgent": str},
    "requestId": str, "domainName": str, "connectionId": str, "apiId": str,
}
WS_CONNECT = {"headers": STR_MAP, "multiValueHeaders": STR_LIST_MAP, "requestContext": WS_CONTEXT,
              "isBase64Encoded": bool}
#: apigw-websocket-request.json: a query string adds both query maps.
WS_CONNECT_QUERY = {**WS_CONNECT, "queryStringParameters": STR_MAP,
                    "multiValueQueryStringParameters": STR_LIST_MAP}
WS_MESSAGE = {"requestContext": {**WS_CONTEXT, "messageId": str}, "body": str, "isBase64Encoded": bool}
WS_DISCONNECT = {
    "headers": {"Host": str, "x-api-key": str, "X-Forwarded-For": str, "x-restapi": str},
    "multiValueHeaders": {"Host": [str], "x-api-key": [str], "X-Forwarded-For": [str], "x-restapi": [str]},
    "requestContext": {**WS_CONTEXT, "disconnectStatusCode": int, "disconnectReason": str},
    "isBase64Encoded": bool,
}


def test_check_rejects_extra_and_missing_keys():
    with pytest.raises(AssertionError, match="extra"):
        check({"a": 1, "b": 2}, {"a": int})
    with pytest.raises(AssertionError, match="missing"):
        check({}, {"a": int})
    with pytest.raises(AssertionError, match="not str"):
        check({"a": 1}, {"a": str})
    assert shape({"a": [1]}) == {"a": [int]}


# -- HTTP APIs --------------------------------------------------------------------------------------


def echo(event, context):
    return {"statusCode": 200, "headers": {"content-type": "application/json"}, "body": json.dumps(event)}


def http_api(version: str, *, stage: str | None = None, stage_variables: dict | None = None) -> HttpApi:
    api = HttpApi("Shapes", create_default_stage=stage is None)
    if stage:
        HttpStage("Named", http_api=api, stage_name=stage, stage_variables=stage_variables)
    integration = LambdaProxyIntegration(handler=Function("Echo", handler=echo),
                                         payload_format_version=version)
    api.add_routes(path="/items", methods=["GET"], integration=integration)
    api.add_routes(path="/items/{id}", methods=["POST"], integration=integration)
    return api


def _full_request(url: str) -> dict:
    return httpx.post(f"{url}/items/42?a=1&a=2&b=x", content=b'{"a": 1}',
                      headers={"content-type": "application/json", "cookie": "c1=1; c2=2"}).json()


def test_v2_plain_get_on_default_stage(apigw):
    deployment = apigw.deploy(http_api("2.0"))
    event = httpx.get(f"{deployment.url}/items").json()
    check(event, V2_PLAIN)
    for name in ("host", "content-length", "user-agent", "x-amzn-trace-id", "x-forwarded-for",
                 "x-forwarded-port", "x-forwarded-proto"):
        assert name in event["headers"]
    assert event["requestContext"]["stage"] == "$default"
    rid = event["requestContext"]["requestId"]
    assert len(rid) == 16 and rid.endswith("=")  # LV7fzho-PHcEJPw=


def test_v2_every_optional_key_on_a_named_stage(apigw):
    deployment = apigw.deploy(http_api("2.0", stage="dev", stage_variables={"s": "v"}))
    event = _full_request(deployment.url)
    check(event, V2_FULL)
    assert event["rawPath"] == event["requestContext"]["http"]["path"] == "/dev/items/42"
    assert event["routeKey"] == "POST /items/{id}" and event["requestContext"]["stage"] == "dev"
    assert event["cookies"] == ["c1=1", "c2=2"] and "cookie" not in event["headers"]
    assert event["queryStringParameters"] == {"a": "1,2", "b": "x"}
    assert event["body"] == '{"a": 1}' and event["isBase64Encoded"] is False


def test_v1_plain_get(apigw):
    deployment = apigw.deploy(http_api("1.0"))
    event = httpx.get(f"{deployment.url}/items").json()
    check(event, V1_PLAIN)
    assert event["version"] == "1.0" and event["resource"] == "/items"


def test_v1_every_optional_key_on_a_named_stage(apigw):
    deployment = apigw.deploy(http_api("1.0", stage="dev", stage_variables={"s": "v"}))
    event = _full_request(deployment.url)
    check(event, V1_FULL)
    assert event["path"] == event["requestContext"]["path"] == "/dev/items/42"
    assert event["resource"] == event["requestContext"]["resourcePath"] == "/items/{id}"
    assert event["multiValueQueryStringParameters"] == {"a": ["1", "2"], "b": ["x"]}
    assert event["queryStringParameters"] == {"a": "2", "b": "x"}


# -- WebSocket APIs ---------------------------------------------------------------------------------


@pytest.fixture
def ws(apigw):
    rec = EventRecorder()

    def integration(name):
        return LambdaWebSocketIntegration(handler=Function(name, handler=rec.handler))

    api = WebSocketApi(
        "Shapes", route_selection_expression="$request.body.action",
        connect_route_options={"integration": integration("Connect")},
        disconnect_route_options={"integration": integration("Disconnect")},
        default_route_options={"integration": integration("Default")},
    )
    api.add_route("chat", integration=integration("Chat"))
    WebSocketStage("Prod", web_socket_api=api, stage_name="prod", auto_deploy=True)
    return apigw.deploy(api), rec


def test_websocket_connect_message_disconnect(ws):
    deployment, rec = ws
    with deployment.ws_connect() as client:
        connect = rec.route("$connect", last=True)
        client.send_json({"action": "chat", "message": "Hello from client"})
        message = rec.route("chat", last=True)
    disconnect = rec.route("$disconnect", last=True)
    check(connect, WS_CONNECT)
    check(message, WS_MESSAGE)
    check(disconnect, WS_DISCONNECT)
    # Header names as the client spelled them (powertools' recorded $connect: Host, Sec-WebSocket-Key).
    for name in ("Host", "Sec-WebSocket-Key", "Sec-WebSocket-Version", "X-Forwarded-For", "X-Amzn-Trace-Id"):
        assert name in connect["headers"], sorted(connect["headers"])
    assert "Upgrade" not in connect["headers"] and "Connection" not in connect["headers"]
    assert (connect["requestContext"]["eventType"], message["requestContext"]["eventType"],
            disconnect["requestContext"]["eventType"]) == ("CONNECT", "MESSAGE", "DISCONNECT")
    assert message["body"] == '{"action": "chat", "message": "Hello from client"}'
    assert disconnect["headers"]["X-Forwarded-For"] == "" and disconnect["headers"]["x-api-key"] == ""
    assert disconnect["requestContext"]["disconnectStatusCode"] == 1000
    ids = {e["requestContext"]["connectionId"] for e in (connect, message, disconnect)}
    assert len(ids) == 1 and len(ids.pop()) == 16


def test_websocket_connect_with_query(ws):
    deployment, rec = ws
    with deployment.ws_connect(query=[("name", "me")]):
        connect = rec.route("$connect", last=True)
    check(connect, WS_CONNECT_QUERY)
    assert connect["multiValueQueryStringParameters"] == {"name": ["me"]}


def test_websocket_1001_without_reason_reports_empty_reason(ws):
    """aws-lambda-go's apigw-websocket-request-disconnect.json: Chrome's 1001 arrives with
    ``disconnectReason: ""``."""
    deployment, rec = ws
    client = deployment.ws_connect()
    rec.route("$connect", last=True)
    client.close(code=1001)
    ctx = rec.route("$disconnect", last=True)["requestContext"]
    assert (ctx["disconnectStatusCode"], ctx["disconnectReason"]) == (1001, "")


def test_websocket_binary_frame_closes_with_1003(ws):
    """websocket-api-develop-binary-media-types.md: "If a client app sends a binary frame, API
    Gateway rejects it and disconnects the client with code 1003" (no MESSAGE event)."""
    deployment, rec = ws
    with deployment.ws_connect() as client:
        rec.route("$connect", last=True)
        client.send(b"\x00\xff")
        with pytest.raises(ConnectionClosed):
            client.recv(timeout=5)
        assert client.close_code == 1003
    ctx = rec.route("$disconnect", last=True)["requestContext"]
    assert ctx["disconnectStatusCode"] == 1003
    assert not [e for e in rec.events if e["requestContext"]["eventType"] == "MESSAGE"]


# -- powertools' parser models ----------------------------------------------------------------------

models = pytest.importorskip("aws_lambda_powertools.utilities.parser.models")


@pytest.mark.parametrize("stage", [None, "dev"])
def test_v2_events_validate_against_powertools(apigw, stage):
    deployment = apigw.deploy(http_api("2.0", stage=stage, stage_variables={"s": "v"} if stage else None))
    for event in (httpx.get(f"{deployment.url}/items").json(), _full_request(deployment.url)):
        parsed = models.APIGatewayProxyEventV2Model.model_validate(event)
        assert parsed.requestContext.http.method in ("GET", "POST")


@pytest.mark.parametrize("stage", [None, "dev"])
def test_v1_events_validate_against_powertools(apigw, stage):
    deployment = apigw.deploy(http_api("1.0", stage=stage, stage_variables={"s": "v"} if stage else None))
    for event in (httpx.get(f"{deployment.url}/items").json(), _full_request(deployment.url)):
        parsed = models.APIGatewayProxyEventModel.model_validate(event)
        assert parsed.requestContext.resourcePath in ("/items", "/items/{id}")


def test_websocket_events_validate_against_powertools(ws):
    deployment, rec = ws
    with deployment.ws_connect(query={"name": "me"}) as client:
        connect = rec.route("$connect", last=True)
        client.send_json({"action": "chat"})
        message = rec.route("chat", last=True)
    disconnect = rec.route("$disconnect", last=True)
    models.APIGatewayWebSocketConnectEventModel.model_validate(connect)
    models.APIGatewayWebSocketMessageEventModel.model_validate(message)
    models.APIGatewayWebSocketDisconnectEventModel.model_validate(disconnect)


# -- Mangum: an ASGI app behind the emulator --------------------------------------------------------


async def asgi_echo(scope, receive, send):
    body = b""
    while True:
        message = await receive()
        body += message.get("body", b"")
        if not message.get("more_body"):
            break
    seen = {
        "method": scope["method"], "path": scope["path"], "root_path": scope.get("root_path", ""),
        "query_string": scope["query_string"].decode(),
        "headers": [[k.decode(), v.decode()] for k, v in scope["headers"]], "body": body.decode(),
    }
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"application/json"), (b"set-cookie", b"s=1")]})
    await send({"type": "http.response.body", "body": json.dumps(seen).encode()})


@pytest.mark.parametrize("version", ["2.0", "1.0"])
def test_mangum_app_sees_the_request(apigw, version):
    mangum = pytest.importorskip("mangum")
    handler = mangum.Mangum(asgi_echo, lifespan="off")
    api = HttpApi("Mangum")
    integration = LambdaProxyIntegration(handler=Function("App", handler=handler),
                                         payload_format_version=version)
    api.add_routes(path="/{proxy+}", methods=["ANY"], integration=integration)
    deployment = apigw.deploy(api)
    response = httpx.post(f"{deployment.url}/things/a%20b?x=1&x=2&y=z", content=b"payload",
                          headers={"X-Custom": "v", "cookie": "c=1"})
    assert response.status_code == 200
    assert response.headers["set-cookie"] == "s=1"
    seen = response.json()
    assert seen["method"] == "POST"
    assert seen["path"] == "/things/a b"
    assert sorted(seen["query_string"].split("&")) == ["x=1", "x=2", "y=z"]
    headers = {k: v for k, v in seen["headers"]}
    assert headers["x-custom"] == "v" and headers["cookie"] == "c=1"
    assert seen["body"] == "payload"
