"""HTTP proxy integrations provisioned through the AWS API and served by MiniStack."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from pytest_apigw import HttpApi, HttpMethod, HttpProxyIntegration


class _Upstream(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        body = json.dumps({"upstream_path": self.path}).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def upstream() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Upstream)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_http_proxy_is_provisioned_and_served(deploy, aws, upstream) -> None:
    api = HttpApi("Proxy")
    api.add_routes(path="/things", methods=[HttpMethod.GET],
                   integration=HttpProxyIntegration(url=f"{upstream}/things", timeout=5))
    deployment = deploy(api)
    (integration,) = aws.apigatewayv2.get_integrations(ApiId=deployment.api_id)["Items"]
    assert integration["IntegrationType"] == "HTTP_PROXY"
    assert integration["IntegrationUri"] == f"{upstream}/things"
    assert integration["IntegrationMethod"] == "ANY"
    assert integration["TimeoutInMillis"] == 5000
    assert integration["PayloadFormatVersion"] == "1.0"

    response = httpx.get(f"{deployment.url}/things", timeout=30)
    assert response.status_code == 200
    assert response.json()["upstream_path"].startswith("/things")
