"""WebSocket APIs: routes, Lambda integrations, route responses and stage, served by MiniStack."""

from __future__ import annotations

import json

import localstack_handlers as handlers
from websockets.sync.client import connect

from pytest_apigw import Function, LambdaWebSocketIntegration, WebSocketApi, WebSocketStage


def test_websocket_api_is_provisioned_and_served(deploy, aws) -> None:
    integration = LambdaWebSocketIntegration(handler=Function("WsEcho", handler=handlers.ws_echo))
    api = WebSocketApi("Chat", connect_route_options={"integration": integration},
                       default_route_options={"integration": integration})
    api.add_route("send", integration=integration, return_response=True)
    WebSocketStage("Dev", web_socket_api=api, stage_name="dev", auto_deploy=True)
    deployment = deploy(api)
    api_id = deployment.api_id
    assert deployment.ws_url.startswith("ws://")
    assert deployment.ws_url.endswith(f"/_aws/execute-api/{api_id}/dev")

    described = aws.apigatewayv2.get_api(ApiId=api_id)
    assert described["ProtocolType"] == "WEBSOCKET"
    assert described["RouteSelectionExpression"] == "$request.body.action"
    routes = {r["RouteKey"]: r for r in aws.apigatewayv2.get_routes(ApiId=api_id)["Items"]}
    assert set(routes) == {"$connect", "$default", "send"}
    responses = aws.apigatewayv2.get_route_responses(ApiId=api_id, RouteId=routes["send"]["RouteId"])["Items"]
    assert [r["RouteResponseKey"] for r in responses] == ["$default"]
    (integ,) = aws.apigatewayv2.get_integrations(ApiId=api_id)["Items"]
    assert integ["IntegrationUri"].endswith("/invocations")
    assert [s["StageName"] for s in aws.apigatewayv2.get_stages(ApiId=api_id)["Items"]] == ["dev"]

    with connect(deployment.ws_url, open_timeout=30) as socket:
        socket.send(json.dumps({"action": "send", "text": "hi"}))
        reply = json.loads(socket.recv(timeout=30))
    assert reply["route"] == "send"
    assert json.loads(reply["got"])["text"] == "hi"
