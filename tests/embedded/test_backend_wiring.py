"""The embedded backend's wiring is explicit and undone: the botocore hook for the
``@connections`` API is installed with the first WebSocket deployment and removed at close, the
test process's ``sys.path`` is never touched, and worker processes get the hook's boot folder
from the backend."""

from __future__ import annotations

import sys

import botocore.handlers
import httpx
from pytest_apigw_embedded.backend import EmbeddedBackend
from pytest_apigw_embedded.websocket import sdk_endpoint

from pytest_apigw import (
    Function,
    HttpApi,
    LambdaProxyIntegration,
    LambdaWebSocketIntegration,
    WebSocketApi,
    WebSocketStage,
)


def _hooked() -> bool:
    return all(entry in botocore.handlers.BUILTIN_HANDLERS for entry in sdk_endpoint.HANDLERS)


def _on_message(event, context):
    return {"statusCode": 200}


def _ws_api() -> WebSocketApi:
    api = WebSocketApi("Wired")
    WebSocketStage("dev", web_socket_api=api, stage_name="dev", auto_deploy=True)
    function = Function("F", handler=_on_message)
    api.add_route("$default", integration=LambdaWebSocketIntegration(handler=function))
    return api


def test_hooks_follow_the_backends_that_need_them() -> None:
    path_before = list(sys.path)
    was_hooked = _hooked()  # another backend of this process may hold them already
    first, second = EmbeddedBackend(), EmbeddedBackend()
    try:
        first.start()
        assert _hooked() == was_hooked  # an HTTP-only backend installs nothing
        first.destroy(first.deploy(_ws_api()))
        second.destroy(second.deploy(_ws_api()))
        assert _hooked()
        first.close()
        assert _hooked()  # the second backend still needs them
    finally:
        first.close()
        second.close()
    assert _hooked() == was_hooked
    assert sys.path == path_before
    assert sdk_endpoint.BOOT_DIR not in sys.path


def test_workers_get_the_boot_folder_from_the_backend(apigw) -> None:
    function = Function("Iso", handler="tests.embedded.handlers.wiring.boot", isolation="process")
    api = HttpApi("Boot", default_integration=LambdaProxyIntegration(handler=function))
    got = httpx.get(apigw.deploy(api).url + "/").json()
    assert got == {"hooked": True, "first_path": sdk_endpoint.BOOT_DIR}
