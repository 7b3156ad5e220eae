"""The typed boundaries at work: an embedded deployment's handle names what serves it, and the
resources a backend's deployments share are one per kind, closed with the backend."""

from __future__ import annotations

from urllib.parse import urlsplit

import httpx
import pytest
from pytest_apigw_embedded.backend import EmbeddedBackend, Served, served
from pytest_apigw_embedded.gateway.http_app import HttpGateway
from pytest_apigw_embedded.integrations.upstream.client import UpstreamClient
from pytest_apigw_embedded.server.loop import LoopThread
from pytest_apigw_embedded.services import Services
from pytest_apigw_embedded.websocket.app import WebSocketGateway

from pytest_apigw import (
    Function,
    HttpApi,
    LambdaProxyIntegration,
    LambdaWebSocketIntegration,
    WebSocketApi,
    WebSocketStage,
)


def _ok(event, context):
    return {"statusCode": 200, "body": "ok"}


def test_the_handle_is_the_listener_and_the_app_that_serve_the_deployment() -> None:
    integration = LambdaProxyIntegration(handler=Function("F", handler=_ok))
    http_api = HttpApi("Typed", default_integration=integration)
    ws_api = WebSocketApi("TypedWs")
    WebSocketStage("dev", web_socket_api=ws_api, stage_name="dev", auto_deploy=True)
    ws_api.add_route("$default", integration=LambdaWebSocketIntegration(handler=Function("W", handler=_ok)))
    backend = EmbeddedBackend()
    try:
        http = backend.deploy(http_api)
        ws = backend.deploy(ws_api)
        handle = served(http)
        assert isinstance(handle, Served)
        assert isinstance(handle.app, HttpGateway)
        assert isinstance(served(ws).app, WebSocketGateway)
        assert urlsplit(http.url).port == handle.listener.port
        assert httpx.get(http.url + "/anything", timeout=10).text == "ok"
        listener, app = handle  # still a pair, as before
        assert (listener, app) == (handle.listener, handle.app)
    finally:
        backend.close()
    with pytest.raises(httpx.ConnectError):
        httpx.get(http.url + "/anything", timeout=2)


class _Counted:
    """A shared resource that counts how often it is closed."""

    made = 0

    def __init__(self) -> None:
        type(self).made += 1
        self.closed = 0

    async def aclose(self) -> None:
        self.closed += 1


def test_shared_resources_are_one_per_kind_and_closed_with_the_backend() -> None:
    _Counted.made = 0
    loop = LoopThread("typed-handles-test")
    try:
        services = Services(loop)
        first = services.shared(_Counted)
        assert services.shared(_Counted) is first
        assert _Counted.made == 1
        client = services.shared(UpstreamClient)
        assert isinstance(client, UpstreamClient) and services.shared(UpstreamClient) is client
        loop.run(services.aclose())
        assert first.closed == 1
        again = services.shared(_Counted)  # a closed backend's services start afresh
        assert again is not first and _Counted.made == 2
        loop.run(services.aclose())
    finally:
        loop.stop()
