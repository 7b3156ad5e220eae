"""WebSocket APIs on the embedded backend, over real WebSocket connections."""

from __future__ import annotations

import base64
import json

import boto3
import pytest
from websockets.exceptions import ConnectionClosed, InvalidStatus

from pytest_apigw import Function, LambdaWebSocketIntegration, WebSocketApi, WebSocketStage
from pytest_apigw.ws_client import SyncClient
from tests.support.events import WAIT, EventRecorder


@pytest.fixture
def rec():
    return EventRecorder()


def integration(fn):
    return LambdaWebSocketIntegration(handler=fn)


def make_api(rec, *, connect=None, default=True, expression="$request.body.action", stage="dev", **routes):
    """An API whose handlers record their events; ``routes`` maps key -> (handler, two_way)."""

    def recording_connect(event, context):
        rec.add(event)
        return connect(event) if connect else {"statusCode": 200}

    def disconnect(event, context):
        rec.add(event)

    def default_route(event, context):
        rec.add(event)
        return {"statusCode": 200, "body": "default:" + event["body"]}

    api = WebSocketApi(
        "Api", route_selection_expression=expression,
        connect_route_options={"integration": integration(recording_connect)},
        disconnect_route_options={"integration": integration(disconnect)},
        default_route_options={"integration": integration(default_route), "return_response": True}
        if default else None,
    )
    WebSocketStage("Stage", web_socket_api=api, stage_name=stage, auto_deploy=True)
    for key, (fn, two_way) in routes.items():
        api.add_route(key, integration=integration(fn), return_response=two_way)
    return api


def echo_body(event, context):
    return {"statusCode": 200, "body": json.dumps({"routeKey": event["requestContext"]["routeKey"],
                                                    "body": event["body"]})}


# -- the seed's example and the deployment's URLs ------------------------------------------------


def test_seed_example_sendmessage_route(apigw):
    api = WebSocketApi("mywsapi")
    WebSocketStage("mystage", web_socket_api=api, stage_name="dev", auto_deploy=True)
    handler = Function("MessageHandler", handler=echo_body)
    integration = LambdaWebSocketIntegration(handler=handler)
    api.add_route("sendmessage", integration=integration, return_response=True)
    deployment = apigw.deploy(api)
    assert deployment.ws_url.startswith("ws://127.0.0.1:") and deployment.ws_url.endswith("/dev")
    assert deployment.backend.supports("websocket") and deployment.backend.supports("websocket.connections")
    with deployment.ws_connect() as ws:
        ws.send_json({"action": "sendmessage", "text": "hi"})
        body = '{"action": "sendmessage", "text": "hi"}'
        assert ws.recv_json() == {"routeKey": "sendmessage", "body": body}


def test_unknown_stage_is_rejected_403(apigw, rec):
    deployment = apigw.deploy(make_api(rec))
    for path in ("/nope", "/dev/extra"):
        with pytest.raises(InvalidStatus) as info:
            SyncClient(deployment.ws_url.replace("/dev", path))
        assert info.value.response.status_code == 403


# -- $connect ------------------------------------------------------------------------------------


def test_connect_event_has_headers_query_and_context(apigw, rec):
    deployment = apigw.deploy(make_api(rec))
    with deployment.ws_connect(query=[("room", "blue"), ("tag", "a"), ("tag", "b")],
                               headers={"X-Token": "secret"}):
        event = rec.route("$connect")
    ctx = event["requestContext"]
    assert event["queryStringParameters"] == {"room": "blue", "tag": "b"}
    assert event["multiValueQueryStringParameters"] == {"room": ["blue"], "tag": ["a", "b"]}
    headers = {k.lower(): v for k, v in event["headers"].items()}
    assert headers["x-token"] == "secret"
    assert "upgrade" not in headers and "connection" not in headers
    assert event["multiValueHeaders"]["X-Forwarded-For"] == ["127.0.0.1"]
    port = deployment.ws_url.split(":")[2].split("/")[0]
    assert ctx["eventType"] == "CONNECT" and ctx["routeKey"] == "$connect"
    assert ctx["stage"] == "dev" and ctx["apiId"] == deployment.api_id
    assert ctx["domainName"] == f"127.0.0.1:{port}"
    assert ctx["identity"]["sourceIp"] == "127.0.0.1"
    assert ctx["messageDirection"] == "IN" and ctx["requestId"] and ctx["extendedRequestId"]
    assert isinstance(ctx["connectedAt"], int) and ctx["requestTimeEpoch"] >= ctx["connectedAt"]
    assert ctx["requestTime"].endswith(" +0000")
    assert event["isBase64Encoded"] is False
    assert len(ctx["connectionId"]) == 16


@pytest.mark.parametrize("status", [401, 403, 429])
def test_connect_non_2xx_rejects_the_upgrade_with_that_status(apigw, rec, status):
    deployment = apigw.deploy(make_api(rec, connect=lambda e: {"statusCode": status, "body": "no"}))
    with pytest.raises(InvalidStatus) as info:
        deployment.ws_connect()
    assert info.value.response.status_code == status
    assert info.value.response.body == b"no"


def test_connect_handler_error_rejects_with_500(apigw, rec):
    def boom(event):
        raise RuntimeError("db down")

    deployment = apigw.deploy(make_api(rec, connect=boom))
    with pytest.raises(InvalidStatus) as info:
        deployment.ws_connect()
    assert info.value.response.status_code == 500


def test_connect_can_choose_a_subprotocol(apigw, rec):
    def pick(event):
        return {"statusCode": 200, "headers": {"Sec-WebSocket-Protocol": "chat.v2"}}

    deployment = apigw.deploy(make_api(rec, connect=pick))
    with deployment.ws_connect(subprotocols=["chat.v2"]) as ws:
        assert ws.connection.subprotocol == "chat.v2"


# -- messages ------------------------------------------------------------------------------------


def test_message_event_text_and_binary(apigw, rec):
    deployment = apigw.deploy(make_api(rec))
    with deployment.ws_connect() as ws:
        ws.send("plain text")
        assert ws.recv() == "default:plain text"
        connect = rec.route("$connect")
        # websocket-api-develop-binary-media-types.md: a binary frame is refused, code 1003
        ws.send(b"\x00\x01binary")
        with pytest.raises(ConnectionClosed):
            ws.recv()
        assert ws.close_code == 1003
    (text,) = [e for e in rec.events if e["requestContext"]["eventType"] == "MESSAGE"]
    assert rec.route("$disconnect")["requestContext"]["disconnectStatusCode"] == 1003
    ctx = text["requestContext"]
    assert ctx["routeKey"] == "$default" and ctx["messageId"] and ctx["messageId"] != ctx["requestId"]
    assert ctx["connectionId"] == connect["requestContext"]["connectionId"]
    assert ctx["connectedAt"] == connect["requestContext"]["connectedAt"]
    assert text["body"] == "plain text" and text["isBase64Encoded"] is False
    assert "headers" not in text


@pytest.mark.parametrize(
    ("expression", "message", "key"),
    [
        ("$request.body.action", {"action": "join"}, "join"),
        ("$request.body.meta.kind", {"meta": {"kind": "join"}}, "join"),
        ("${request.body.a}/${request.body.b}", {"a": "x", "b": "y"}, "x/y"),
        ("${request.body.a}/${request.body.b}", {"a": "x"}, "x/"),
        ("v-${request.body.n}", {"n": 2}, "v-2"),
        ("$request.body.items[1]", {"items": ["a", "join"]}, "join"),
    ],
)
def test_route_selection_expression(apigw, rec, expression, message, key):
    deployment = apigw.deploy(make_api(rec, expression=expression, **{key: (echo_body, True)}))
    with deployment.ws_connect() as ws:
        ws.send_json(message)
        assert ws.recv_json()["routeKey"] == key


@pytest.mark.parametrize("message", ['{"action": "nope"}', "not json", '{"other": 1}', "42"])
def test_unmatched_and_non_json_go_to_default(apigw, rec, message):
    deployment = apigw.deploy(make_api(rec, join=(echo_body, True)))
    with deployment.ws_connect() as ws:
        ws.send(message)
        reply = ws.recv()
    assert reply.startswith("default:")


def test_without_default_the_client_gets_forbidden(apigw, rec):
    deployment = apigw.deploy(make_api(rec, default=False, join=(echo_body, True)))
    with deployment.ws_connect() as ws:
        ws.send("hello")
        reply = ws.recv_json()
        connection_id = rec.route("$connect")["requestContext"]["connectionId"]
        assert reply["message"] == "Forbidden"
        assert reply["connectionId"] == connection_id and reply["requestId"]
        ws.send_json({"action": "join"})  # the connection stays usable
        assert ws.recv_json()["routeKey"] == "join"


def test_one_way_route_sends_nothing_back(apigw, rec):
    def quiet(event, context):
        return {"statusCode": 200, "body": "not for the client"}

    deployment = apigw.deploy(make_api(rec, quiet=(quiet, False), loud=(echo_body, True)))
    with deployment.ws_connect() as ws:
        ws.send_json({"action": "quiet"})
        ws.send_json({"action": "loud"})
        assert ws.recv_json()["routeKey"] == "loud"  # the first answer is the second message's


def test_handler_error_sends_internal_server_error(apigw, rec):
    def broken(event, context):
        raise ValueError("bad")

    deployment = apigw.deploy(make_api(rec, broken=(broken, True)))
    with deployment.ws_connect() as ws:
        ws.send_json({"action": "broken"})
        reply = ws.recv_json()
    assert reply["message"] == "Internal server error" and reply["connectionId"] and reply["requestId"]


def test_two_way_base64_body_is_a_binary_frame(apigw, rec):
    def binary(event, context):
        return {"statusCode": 200, "body": base64.b64encode(b"\xff\x00").decode(), "isBase64Encoded": True}

    deployment = apigw.deploy(make_api(rec, bin=(binary, True)))
    with deployment.ws_connect() as ws:
        ws.send_json({"action": "bin"})
        assert ws.recv() == b"\xff\x00"


# -- $disconnect and limits ----------------------------------------------------------------------


def test_disconnect_runs_after_the_client_closes(apigw, rec):
    deployment = apigw.deploy(make_api(rec))
    with deployment.ws_connect() as ws:
        ws.send("x")
        ws.recv()
        ws.close(4000, "bye now")
    event = rec.route("$disconnect")
    ctx = event["requestContext"]
    assert ctx["eventType"] == "DISCONNECT"
    assert ctx["disconnectStatusCode"] == 4000 and ctx["disconnectReason"] == "bye now"
    assert ctx["connectionId"] == rec.route("$connect")["requestContext"]["connectionId"]


def test_message_over_128_kb_closes_with_1009(apigw, rec):
    deployment = apigw.deploy(make_api(rec))
    with deployment.ws_connect() as ws:
        ws.send("a" * (128 * 1024))  # exactly the limit is fine
        assert ws.recv().startswith("default:")
        ws.send("a" * (128 * 1024 + 1))
        with pytest.raises(ConnectionClosed):
            ws.recv()
        assert ws.close_code == 1009
    assert rec.route("$disconnect")["requestContext"]["disconnectStatusCode"] == 1009


def test_idle_timeout_closes_with_1001(apigw, rec):
    deployment = apigw.deploy(make_api(rec))
    deployment.handle[1].limits.idle_timeout = 0.3
    with deployment.ws_connect() as ws:
        with pytest.raises(ConnectionClosed):
            ws.recv(timeout=WAIT)
        assert ws.close_code == 1001
    assert rec.route("$disconnect")["requestContext"]["disconnectStatusCode"] == 1001


def test_destroy_closes_clients_and_runs_disconnect(apigw, rec):
    deployment = apigw.deploy(make_api(rec))
    ws = deployment.ws_connect()
    rec.route("$connect")
    deployment.close()
    with pytest.raises(ConnectionClosed):
        ws.recv(timeout=WAIT)
    assert ws.close_code == 1001
    assert rec.route("$disconnect")["requestContext"]["disconnectStatusCode"] == 1001
    ws.close()


# -- the @connections management API ---------------------------------------------------------------


def test_connections_api_through_boto3(apigw, rec):
    deployment = apigw.deploy(make_api(rec))
    client = deployment.connections_client()
    with deployment.ws_connect() as ws:
        connection_id = rec.route("$connect")["requestContext"]["connectionId"]
        client.post_to_connection(ConnectionId=connection_id, Data=b"first")
        client.post_to_connection(ConnectionId=connection_id, Data="second")
        client.post_to_connection(ConnectionId=connection_id, Data=b"\xff\xfe")
        assert [ws.recv(), ws.recv(), ws.recv()] == ["first", "second", b"\xff\xfe"]
        info = client.get_connection(ConnectionId=connection_id)
        assert info["Identity"]["SourceIp"] == "127.0.0.1"
        assert "websockets" in info["Identity"]["UserAgent"]
        assert info["LastActiveAt"] >= info["ConnectedAt"]
        with pytest.raises(client.exceptions.PayloadTooLargeException):
            client.post_to_connection(ConnectionId=connection_id, Data=b"x" * (128 * 1024 + 1))
        response = client.delete_connection(ConnectionId=connection_id)
        assert response["ResponseMetadata"]["HTTPStatusCode"] == 204
        with pytest.raises(ConnectionClosed):
            ws.recv()
    rec.route("$disconnect")
    for call in (client.post_to_connection, client.get_connection, client.delete_connection):
        kwargs = {"Data": b"x"} if call == client.post_to_connection else {}
        with pytest.raises(client.exceptions.GoneException):
            call(ConnectionId=connection_id, **kwargs)
    with pytest.raises(client.exceptions.GoneException):
        client.get_connection(ConnectionId="neverExisted=")


def callback_handler(event, context):
    """Answers through @connections exactly as AWS's examples do (module level: process isolation)."""
    ctx = event["requestContext"]
    client = boto3.client("apigatewaymanagementapi", endpoint_url=f"https://{ctx['domainName']}/{ctx['stage']}")
    client.post_to_connection(ConnectionId=ctx["connectionId"], Data=f"callback:{event['body']}".encode())
    return {"statusCode": 200}


@pytest.mark.parametrize("isolation", ["inprocess", "process"])
def test_handler_built_management_client_reaches_the_emulator(apigw, isolation):
    api = WebSocketApi("Callback")
    WebSocketStage("Stage", web_socket_api=api, stage_name="prod")
    fn = Function("Callback", handler=callback_handler, isolation=isolation)
    api.add_route("$default", integration=LambdaWebSocketIntegration(handler=fn))
    deployment = apigw.deploy(api)
    with deployment.ws_connect() as ws:
        ws.send("ping")
        assert ws.recv() == "callback:ping"


def test_management_calls_pass_through_moto(apigw, monkeypatch):
    """Connection ids in a moto DynamoDB table, pushes through @connections: both work."""
    moto = pytest.importorskip("moto")
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.setenv(name, "testing")

    def connect(event, context):
        boto3.resource("dynamodb", region_name="us-east-1").Table("Connections").put_item(
            Item={"id": event["requestContext"]["connectionId"]})
        return {"statusCode": 200}

    with moto.mock_aws():
        boto3.client("dynamodb", region_name="us-east-1").create_table(
            TableName="Connections", KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST")
        api = WebSocketApi("Moto", connect_route_options=integration(connect),
                           default_route_options=integration(callback_handler))
        WebSocketStage("Stage", web_socket_api=api, stage_name="dev")
        deployment = apigw.deploy(api)
        with deployment.ws_connect() as ws:
            ws.send("x")
            assert ws.recv() == "callback:x"
        table = boto3.resource("dynamodb", region_name="us-east-1").Table("Connections")
        assert len(table.scan()["Items"]) == 1


def test_manual_stage_serves_new_routes_after_redeploy(apigw, rec):
    api = WebSocketApi("Manual")
    WebSocketStage("Stage", web_socket_api=api, stage_name="v1", auto_deploy=False)
    api.add_route("$default", integration=integration(echo_body), return_response=True)
    deployment = apigw.deploy(api)
    api.add_route("late", integration=integration(echo_body), return_response=True)
    with deployment.ws_connect() as ws:
        ws.send_json({"action": "late"})
        assert ws.recv_json()["routeKey"] == "$default"
        deployment.redeploy()
        ws.send_json({"action": "late"})
        assert ws.recv_json()["routeKey"] == "late"
