"""Where AWS's recordings settle what the docs leave open (issue 12), over real sockets.

Sources, each beside its check: aws-lambda-go ``events/testdata/apigw-v2-request*.json`` and
powertools ``tests/events/apiGatewayProxyV2Event.json`` (no hop-by-hop headers in events);
aws-lambda-dotnet's test tool HTTP API 1.0 samples (``path`` as sent, the context's decoded);
awslabs/aws-lambda-go-api-proxy#116 and rackspace/sailplane#138 (a 1.0 response without a
content type is served ``text/plain``).
"""

from __future__ import annotations

import http.client
import json
import socket
from urllib.parse import urlsplit

import httpx
import pytest

from pytest_apigw import Function, HttpApi, LambdaProxyIntegration


def _raw_get(url: str, path: str, headers: list[tuple[str, str]]) -> dict:
    """GET with exactly these headers (httpx would normalise Connection)."""
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=5)
    try:
        conn.putrequest("GET", parts.path + path, skip_accept_encoding=True)
        for name, value in headers:
            conn.putheader(name, value)
        conn.endheaders()
        return json.loads(conn.getresponse().read())
    finally:
        conn.close()


@pytest.mark.parametrize("version", ["1.0", "2.0"])
def test_hop_by_hop_headers_never_reach_the_event(apigw, echo_api, version):
    deployment = apigw.deploy(echo_api("/echo", version=version))
    event = _raw_get(deployment.url, "/echo", [
        ("Connection", "keep-alive, X-Conn-Only"), ("Keep-Alive", "timeout=5"), ("TE", "trailers"),
        ("X-Conn-Only", "gone"), ("X-Kept", "here"),
    ])
    names = {name.lower() for name in event["headers"]}
    assert not names & {"connection", "keep-alive", "te", "x-conn-only"}
    assert "x-kept" in names


def test_v1_path_is_as_sent_and_the_context_path_decoded(apigw, echo_api):
    deployment = apigw.deploy(echo_api("/files/{name}", version="1.0"))
    event = httpx.get(f"{deployment.url}/files/a%20b").json()
    assert event["path"] == "/files/a%20b"
    assert event["requestContext"]["path"] == "/files/a b"
    assert event["pathParameters"] == {"name": "a b"}


def _v1_api(result: dict) -> HttpApi:
    def handler(event, context):
        return result

    return HttpApi("V1", default_integration=LambdaProxyIntegration(
        handler=Function("Fn", handler=handler), payload_format_version="1.0"))


@pytest.mark.parametrize("headers", [None, {"x-a": "1"}])
def test_v1_response_without_content_type_is_text_plain(apigw, headers):
    result = {"statusCode": 200, "body": json.dumps({"ok": True})}
    if headers is not None:
        result["headers"] = headers
    response = httpx.get(apigw.deploy(_v1_api(result)).url + "/")
    assert response.headers["content-type"] == "text/plain; charset=utf-8"
    assert response.json() == {"ok": True}


def test_v1_header_in_both_maps_sends_every_value_single_first(apigw):
    result = {"statusCode": 200, "headers": {"X-Both": "single"},
              "multiValueHeaders": {"X-Both": ["m1", "m2"]}, "body": ""}
    url = urlsplit(apigw.deploy(_v1_api(result)).url)
    with socket.create_connection((url.hostname, url.port), timeout=5) as sock:
        sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        raw = b""
        while chunk := sock.recv(65536):
            raw += chunk
    head = raw.split(b"\r\n\r\n")[0].decode("latin-1").split("\r\n")[1:]
    both = [line.split(":", 1)[1].strip() for line in head if line.lower().startswith("x-both:")]
    assert both == ["single", "m1", "m2"]
