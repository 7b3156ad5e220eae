"""Start-up: an HTTP-only session loads neither uvicorn nor websockets (they serve WebSocket APIs
only), nor the Lambda runtimes it does not use; a WebSocket deployment loads them when it comes."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

SCRIPT = textwrap.dedent(
    """
    import json, sys, httpx
    from pytest_apigw import HttpApi, LambdaProxyIntegration, LambdaWebSocketIntegration, WebSocketApi
    from pytest_apigw import WebSocketStage
    from pytest_apigw_embedded.backend import EmbeddedBackend

    def loaded():
        return {name: name in sys.modules for name in
                ("uvicorn", "websockets", "pytest_apigw_embedded.lambda_runtime.process",
                 "pytest_apigw_embedded.lambda_runtime.custom")}

    backend = EmbeddedBackend()
    try:
        api = HttpApi("A", default_integration=LambdaProxyIntegration(handler=lambda e, c: "ok"))
        deployment = backend.deploy(api)
        status = httpx.get(deployment.url + "/x").status_code
        http_only = loaded()
        ws = WebSocketApi("W")
        ws.add_route("$default", integration=LambdaWebSocketIntegration(handler=lambda e, c: None))
        WebSocketStage("dev", web_socket_api=ws, stage_name="dev", auto_deploy=True)
        backend.deploy(ws)
        print(json.dumps({"status": status, "http_only": http_only, "after_ws": loaded()}))
    finally:
        backend.close()
    """
)


def test_http_only_session_loads_no_websocket_server_nor_unused_runtimes():
    done = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["status"] == 200
    assert not any(seen["http_only"].values()), seen["http_only"]
    assert seen["after_ws"]["uvicorn"] and seen["after_ws"]["websockets"]
