"""The stateful WebSocket model on fixed step sequences (what the docs say, step by step)."""

from __future__ import annotations

from pytest_apigw import Function, LambdaWebSocketIntegration, WebSocketApi, WebSocketLambdaAuthorizer
from pytest_apigw.contract.model.expect import PRESENT
from pytest_apigw.contract.model.websocket_sessions import ACCEPTED, PRINCIPAL, WebSocketModel, WsEvent


def _api(*, authorizer: bool, default: bool = True, disconnect: bool = True) -> WebSocketApi:
    integration = LambdaWebSocketIntegration(handler=Function("F", handler=lambda e, c: None))
    auth = WebSocketLambdaAuthorizer("A", Function("Auth", handler=lambda e, c: None)) if authorizer else None
    api = WebSocketApi("M")
    api.add_route("$connect", integration=integration, authorizer=auth)
    api.add_route("join", integration=integration, return_response=True)
    api.add_route("quiet", integration=integration)
    if default:
        api.add_route("$default", integration=integration, return_response=True)
    if disconnect:
        api.add_route("$disconnect", integration=integration)
    return api


def test_authorizer_rejects_without_credentials_and_on_deny():
    model = WebSocketModel.of(_api(authorizer=True))
    assert model.connect("a", None) == 401
    assert model.connect("b", "deny") == 403
    assert model.events == [] and model.open == {}
    assert model.connect("c", "allow") == ACCEPTED
    assert model.events == [WsEvent("$connect", "CONNECT", "c", PRINCIPAL)]


def test_two_way_one_way_default_and_no_route():
    model = WebSocketModel.of(_api(authorizer=False, default=False))
    model.connect("c", None)
    assert model.message("c", '{"action": "join"}') == {
        "routeKey": "join", "eventType": "MESSAGE", "connectionId": "c", "principalId": None,
        "body": '{"action": "join"}'}
    assert model.message("c", '{"action": "quiet"}') is None
    forbidden = {"message": "Forbidden", "connectionId": "c", "requestId": PRESENT}
    assert model.message("c", "not json") == forbidden
    assert [e.route_key for e in model.events] == ["$connect", "join", "quiet"]


def test_connections_api_on_open_closed_and_unknown_connections():
    model = WebSocketModel.of(_api(authorizer=False, disconnect=False))
    model.connect("c", None)
    assert (model.post("c"), model.get("c")) == (200, 200)
    assert model.delete("c") == 204
    assert (model.post("c"), model.get("c"), model.delete("c")) == (410, 410, 410)
    assert model.get("never") == 410
    assert [e.event_type for e in model.events] == ["CONNECT"]  # no $disconnect route


def test_client_close_runs_disconnect_with_the_principal():
    model = WebSocketModel.of(_api(authorizer=True))
    model.connect("c", "allow")
    model.client_close("c")
    assert model.events[-1] == WsEvent("$disconnect", "DISCONNECT", "c", PRINCIPAL)
    assert model.post("c") == 410
