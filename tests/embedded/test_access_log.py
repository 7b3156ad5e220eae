"""Access logs over real sockets: one line per request, ``$context`` variables as AWS documents them.

Expected values come from AWS's "Customize HTTP API access logs" page
(``http-api-logging-variables.md``) and "WebSocket API logging variables"
(``websocket-api-logging.md``): ``$context.path`` is ``/{stage}/root/child``, ``requestTime`` is
CLF ``dd/MMM/yyyy:HH:mm:ss +-hhmm``, ``requestTimeEpoch`` is in milliseconds,
``extendedRequestId`` is equivalent to ``requestId``, ``integrationStatus`` for a Lambda proxy is
Lambda's own status (not the function's), a variable without a value is ``-``.
"""

from __future__ import annotations

import json
import re
import time

import httpx
import pytest

from pytest_apigw import (
    Function,
    HttpApi,
    HttpLambdaAuthorizer,
    HttpLambdaResponseType,
    HttpMethod,
    HttpStage,
    LambdaProxyIntegration,
    LambdaWebSocketIntegration,
    SpecError,
    WebSocketApi,
    WebSocketLambdaAuthorizer,
    WebSocketStage,
)
from pytest_apigw.access_log import HTTP_CLF_FORMAT, HTTP_JSON_FORMAT, WEBSOCKET_JSON_FORMAT, render
from pytest_apigw.invocations import LOG

#: CLF time as AWS documents ``$context.requestTime``.
CLF_TIME = re.compile(r"^\d{2}/[A-Z][a-z]{2}/\d{4}:\d{2}:\d{2}:\d{2} [+-]\d{4}$")

#: Every variable the tests read, as a JSON object (keys = variable names).
HTTP_VARIABLES = [
    "requestId", "extendedRequestId", "accountId", "apiId", "httpMethod", "routeKey", "status", "stage",
    "protocol", "path", "requestTime", "requestTimeEpoch", "responseLength", "integrationLatency",
    "integrationStatus", "integrationErrorMessage", "authorizer.error", "authorizer.user",
    "identity.sourceIp", "identity.userAgent", "domainName", "domainPrefix", "error.message",
    "responseLatency", "dataProcessed",
]
HTTP_FORMAT = json.dumps({name: f"$context.{name}" for name in HTTP_VARIABLES})


def books(event, context):
    return {"statusCode": 200, "body": "book " + event["pathParameters"]["id"]}


def private(event, context):
    return {"statusCode": 200, "body": "private"}


def broken(event, context):
    raise ValueError("no such shelf")


def authorize(event, context):
    token = (event.get("headers") or {}).get("authorization")
    return {"isAuthorized": token == "secret", "context": {"user": "alice"}}


def books_api(fmt=HTTP_FORMAT):
    api = HttpApi("BooksApi", create_default_stage=False)
    HttpStage("Dev", http_api=api, stage_name="dev", access_log_format=fmt)
    api.add_routes(path="/books/{id}", methods=[HttpMethod.GET],
                   integration=LambdaProxyIntegration(handler=Function("Books", handler=books)))
    api.add_routes(path="/broken", methods=[HttpMethod.GET],
                   integration=LambdaProxyIntegration(handler=Function("Broken", handler=broken)))
    auth = HttpLambdaAuthorizer("Auth", Function("AuthFn", handler=authorize),
                                response_types=[HttpLambdaResponseType.SIMPLE], results_cache_ttl=0)
    api.add_routes(path="/private", methods=[HttpMethod.GET], authorizer=auth,
                   integration=LambdaProxyIntegration(handler=Function("Private", handler=private)))
    return api


def test_a_lambda_request_logs_the_documented_values(apigw):
    deployment = apigw.deploy(books_api())
    before = int(time.time() * 1000)
    response = httpx.get(f"{deployment.url}/books/7", headers={"user-agent": "shelf-client/1.0"})
    after = int(time.time() * 1000)
    assert response.status_code == 200
    [line] = deployment.access_log
    values = json.loads(line)
    assert values["requestId"] == response.headers["apigw-requestid"]
    assert values["extendedRequestId"] == values["requestId"]
    assert values["apiId"] == deployment.api_id
    assert values["accountId"] == "123456789012"
    assert values["httpMethod"] == "GET"
    assert values["routeKey"] == "GET /books/{id}"
    assert values["status"] == "200"
    assert values["stage"] == "dev"
    assert values["protocol"] == "HTTP/1.1"
    assert values["path"] == "/dev/books/7"  # AWS: "/{stage}/root/child"
    assert CLF_TIME.match(values["requestTime"]), values["requestTime"]
    assert before <= int(values["requestTimeEpoch"]) <= after
    assert values["responseLength"] == str(len(response.content)) == "6"
    assert int(values["integrationLatency"]) >= 0
    assert int(values["responseLatency"]) >= int(values["integrationLatency"])
    assert values["integrationStatus"] == "200"
    assert values["identity.sourceIp"] == "127.0.0.1"
    assert values["identity.userAgent"] == "shelf-client/1.0"
    assert values["domainName"] == deployment.url.split("/")[2]
    assert values["domainPrefix"] == deployment.api_id  # an IP host: the API id stands in
    for absent in ("integrationErrorMessage", "authorizer.error", "authorizer.user", "error.message",
                   "dataProcessed"):
        assert values[absent] == "-", absent


def test_unmatched_failing_and_refused_requests_are_logged_too(apigw):
    deployment = apigw.deploy(books_api())
    assert httpx.get(f"{deployment.url}/nothing").status_code == 404
    assert httpx.get(f"{deployment.url}/broken").status_code == 500
    assert httpx.get(f"{deployment.url}/private", headers={"authorization": "wrong"}).status_code == 403
    allowed = httpx.get(f"{deployment.url}/private", headers={"authorization": "secret"})
    assert allowed.status_code == 200
    missing, failed, refused, passed = (json.loads(line) for line in deployment.access_log)
    assert (missing["routeKey"], missing["status"], missing["error.message"]) == ("-", "404", "Not Found")
    assert missing["integrationStatus"] == "-" and missing["integrationLatency"] == "-"
    assert (failed["routeKey"], failed["status"]) == ("GET /broken", "500")
    assert failed["integrationStatus"] == "200"  # Lambda answered; the function failed
    assert "no such shelf" in failed["integrationErrorMessage"]
    assert failed["error.message"] == "Internal Server Error"
    assert (refused["status"], refused["error.message"]) == ("403", "Forbidden")
    assert "denied" in refused["authorizer.error"] and refused["integrationStatus"] == "-"
    assert passed["authorizer.user"] == "alice" and passed["authorizer.error"] == "-"
    assert passed["requestId"] == allowed.headers["apigw-requestid"]


def test_console_sample_formats_render_as_aws_writes_them(apigw):
    deployment = apigw.deploy(books_api(HTTP_CLF_FORMAT))
    response = httpx.get(f"{deployment.url}/books/12")
    [line] = deployment.access_log
    match = re.fullmatch(r'127\.0\.0\.1 - - \[(.+)\] "GET GET /books/\{id\} HTTP/1\.1" 200 7 (\S+)', line)
    assert match, line
    assert CLF_TIME.match(match.group(1)) and match.group(2) == response.headers["apigw-requestid"]


def test_named_and_default_stages_log_separately_only_when_formatted(apigw):
    api = HttpApi("TwoStages")
    HttpStage("Dev", http_api=api, stage_name="dev", access_log_format="$context.requestId $context.stage")
    api.add_routes(path="/books/{id}", methods=[HttpMethod.GET],
                   integration=LambdaProxyIntegration(handler=Function("Books", handler=books)))
    deployment = apigw.deploy(api)
    httpx.get(f"{deployment.url}/books/1")  # $default: no format, no line
    response = httpx.get(f"{deployment.url_for('dev')}/books/1")
    assert deployment.access_log == [f"{response.headers['apigw-requestid']} dev"]


def test_the_gateway_log_carries_each_request_access_line(apigw):
    deployment = apigw.deploy(books_api())
    mark = LOG.mark()
    httpx.get(f"{deployment.url}/books/3")
    [record] = LOG.since(mark)
    assert record.access_log == deployment.access_log[0]
    assert "  access log:\n    " + record.access_log in record.describe()


def echo_ws(event, context):
    return {"statusCode": 200, "body": json.dumps(event["requestContext"]["routeKey"])}


def test_websocket_events_log_connect_message_and_disconnect(apigw):
    fmt = WEBSOCKET_JSON_FORMAT.rstrip(" }") + (
        ', "messageId":"$context.messageId", "stage":"$context.stage", "apiId":"$context.apiId",'
        ' "integrationLatency":"$context.integrationLatency", "error":"$context.error.message" }'
    )
    api = WebSocketApi("Chat", connect_route_options=LambdaWebSocketIntegration(handler=echo_ws),
                       disconnect_route_options=LambdaWebSocketIntegration(handler=echo_ws))
    WebSocketStage("Dev", web_socket_api=api, stage_name="dev", auto_deploy=True, access_log_format=fmt)
    api.add_route("sendmessage", integration=LambdaWebSocketIntegration(handler=echo_ws))
    deployment = apigw.deploy(api)
    with deployment.ws_connect() as ws:
        ws.send_json({"action": "sendmessage"})
        ws.send_json({"action": "nothing"})
        forbidden = json.loads(ws.recv())
    deadline = time.monotonic() + 5
    while len(deployment.access_log) < 4 and time.monotonic() < deadline:
        time.sleep(0.02)
    connect, message, unrouted, disconnect = (json.loads(line) for line in deployment.access_log)
    assert [e["eventType"] for e in (connect, message, unrouted, disconnect)] == [
        "CONNECT", "MESSAGE", "MESSAGE", "DISCONNECT"]
    assert [e["routeKey"] for e in (connect, message, unrouted, disconnect)] == [
        "$connect", "sendmessage", "-", "$disconnect"]
    assert [e["status"] for e in (connect, message, unrouted, disconnect)] == ["200", "200", "403", "200"]
    assert len({e["connectionId"] for e in (connect, message, unrouted, disconnect)}) == 1
    assert unrouted["requestId"] == forbidden["requestId"] and unrouted["error"] == "Forbidden"
    assert connect["messageId"] == "-" and message["messageId"] != "-"
    assert {e["stage"] for e in (connect, message)} == {"dev"}
    assert message["apiId"] == deployment.api_id and int(message["integrationLatency"]) >= 0
    assert CLF_TIME.match(connect["requestTime"]) and connect["ip"] == "127.0.0.1"
    assert connect["caller"] == "-"  # IAM-only variable: no value here, as on AWS without IAM auth


@pytest.mark.parametrize(
    ("fmt", "rule"),
    [
        ("$context.status", "must include $context.requestId or $context.extendedRequestId"),
        ("$context.requestIdentity", "must include $context.requestId"),
        ("$context.requestId\n$context.status", "single line"),
        ("", "non-empty"),
    ],
)
def test_formats_aws_refuses_are_spec_errors(fmt, rule):
    with pytest.raises(SpecError, match=re.escape(rule)) as caught:
        HttpStage("Dev", http_api=HttpApi("A"), stage_name="dev", access_log_format=fmt)
    assert "HttpStage 'Dev'" in str(caught.value)


def test_render_leaves_text_and_writes_dash_for_missing_values():
    fmt = HTTP_JSON_FORMAT
    line = render(fmt, {"requestId": "abc=", "status": 200, "identity.sourceIp": "10.0.0.1"})
    values = json.loads(line)
    assert values == {"requestId": "abc=", "ip": "10.0.0.1", "requestTime": "-", "httpMethod": "-",
                      "routeKey": "-", "status": "200", "protocol": "-", "responseLength": "-"}
    assert render("$context.authorizer.claims.sub.", {"authorizer": {"claims": {"sub": "u1"}}}) == "u1."


def ws_authorize(event, context):
    effect = "Allow" if event["headers"].get("Auth") == "good" else "Deny"
    return {"principalId": "alice", "context": {"team": "books"},
            "policyDocument": {"Version": "2012-10-17", "Statement": [
                {"Action": "execute-api:Invoke", "Effect": effect, "Resource": event["methodArn"]}]}}


def test_websocket_connect_refused_by_the_authorizer_is_logged_with_its_error(apigw):
    from websockets.exceptions import InvalidStatus

    fmt = ('$context.requestId $context.eventType $context.status "$context.authorizer.error" '
           "$context.authorizer.principalId $context.authorizer.team")
    authorizer = WebSocketLambdaAuthorizer("Auth", Function("AuthFn", handler=ws_authorize),
                                           identity_source=["route.request.header.Auth"])
    api = WebSocketApi("Guarded", connect_route_options={
        "integration": LambdaWebSocketIntegration(handler=echo_ws), "authorizer": authorizer})
    WebSocketStage("Dev", web_socket_api=api, stage_name="dev", auto_deploy=True, access_log_format=fmt)
    deployment = apigw.deploy(api)
    with pytest.raises(InvalidStatus):
        deployment.ws_connect(headers={"Auth": "bad"})
    with deployment.ws_connect(headers={"Auth": "good"}):
        pass
    refused, allowed = deployment.access_log[:2]
    request_id, event_type, status, error = refused.split(" ")[:4]
    assert (event_type, status) == ("CONNECT", "403") and request_id != "-"
    assert "denied" in refused and error != '"-"'
    assert allowed.split(" ")[1:] == ["CONNECT", "200", '"-"', "alice", "books"]
