"""The CDK README's HTTP proxy example: ``GET /books`` forwarded to a books service over HTTP.

The "books service" is a tiny ``http.server`` the fixture starts on 127.0.0.1 (and stops after
the test); the API forwards to it exactly as API Gateway would forward to
``https://get-books-proxy.myproxy.internal``. Run it: ``pytest examples/http_proxy``.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from pytest_apigw import HttpApi, HttpMethod, HttpProxyIntegration, MappingValue, ParameterMapping


class BooksService(BaseHTTPRequestHandler):
    """The upstream: answers ``/books`` with a list, echoing the header the gateway added."""

    def do_GET(self):  # noqa: N802 - http.server's naming
        body = json.dumps({"books": ["Dune", "Emma"], "path": self.path,
                           "caller": self.headers.get("x-caller-ip")}).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):  # keep test output quiet
        pass


@pytest.fixture
def books_service():
    """The books service on a free loopback port; shut down and joined at teardown."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), BooksService)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()
    thread.join(5)


def books_api(service_url: str) -> HttpApi:
    """The CDK README's snippet, plus a parameter mapping that tells the service who called."""
    books_integration = HttpProxyIntegration(
        url=f"{service_url}/books",
        parameter_mapping=ParameterMapping().append_header(
            "x-caller-ip", MappingValue.context_variable("identity.sourceIp")),
    )
    http_api = HttpApi("HttpApi")
    http_api.add_routes(path="/books", methods=[HttpMethod.GET], integration=books_integration)
    return http_api


def test_books_are_served_by_the_upstream(apigw, books_service):
    deployment = apigw.deploy(books_api(books_service))
    response = httpx.get(f"{deployment.url}/books?limit=2")
    assert response.status_code == 200
    assert response.json() == {"books": ["Dune", "Emma"], "path": "/books?limit=2", "caller": "127.0.0.1"}


def test_other_routes_never_reach_the_upstream(apigw, books_service):
    deployment = apigw.deploy(books_api(books_service))
    assert httpx.post(f"{deployment.url}/books").json() == {"message": "Not Found"}
