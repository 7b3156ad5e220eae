"""AWS's HTTP API limits over real sockets (``docs/limits.md``), each fault followed by a normal
request on the same deployment."""

from __future__ import annotations

import json
import socket
import time
from urllib.parse import urlsplit

import httpx
import pytest
from pytest_apigw_embedded.server import limits

from pytest_apigw import Function, HttpApi, LambdaProxyIntegration
from pytest_apigw.invocations import LOG

calls: list[dict] = []


def record(event, context):
    """Remember every invocation; answer the body's length."""
    calls.append(event)
    return {"statusCode": 200, "body": str(len(event.get("body") or ""))}


@pytest.fixture
def deployment(apigw):
    calls.clear()
    api = HttpApi("Limits")
    api.add_routes(path="/r", methods=["ANY"], integration=LambdaProxyIntegration(
        handler=Function("Record", handler=record)))
    return apigw.deploy(api)


def _connect(url: str) -> socket.socket:
    parts = urlsplit(url)
    sock = socket.create_connection((parts.hostname, parts.port), timeout=10)
    return sock


def _read_all(sock: socket.socket, limit: int = 1 << 20) -> bytes:
    """Everything the server sends until it closes (bounded in size and by the socket timeout)."""
    data = b""
    while len(data) < limit:
        chunk = sock.recv(65536)
        if not chunk:
            break
        data += chunk
    return data


def _serves_normally(url: str) -> None:
    response = httpx.post(f"{url}/r", content=b"fine", headers={"content-type": "text/plain"}, timeout=10)
    assert (response.status_code, response.text) == (200, "4")


def test_cut_short_body_never_invokes_the_handler(deployment):
    mark = LOG.mark()
    with _connect(deployment.url) as sock:
        sock.sendall(b"POST /r HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n0123456789")
        sock.shutdown(socket.SHUT_WR)
        assert _read_all(sock) == b""  # nothing answered: the client left
    for _ in range(200):  # the gateway notices the close
        if LOG.since(mark):
            break
        time.sleep(0.01)
    assert "before the whole body" in (LOG.since(mark)[0].error or "")
    assert calls == []
    _serves_normally(deployment.url)
    assert len(calls) == 1


@pytest.mark.parametrize("size, status", [(10_240 - 200, 200), (10_241, 431)])
def test_request_line_and_headers_over_10240_bytes(deployment, size, status):
    line = b"GET /r HTTP/1.1\r\n"
    fixed = len(b"/r") + 16 + len(b"x")
    value = b"v" * (size - fixed)
    with _connect(deployment.url) as sock:
        sock.sendall(line + b"Host: x\r\nX-Big: " + value + b"\r\nConnection: close\r\n\r\n")
        answer = _read_all(sock)
    assert answer.startswith(f"HTTP/1.1 {status} ".encode()), answer[:100]
    if status == 431:
        assert answer.endswith(b'{"message":"Request Header Fields Too Large"}')
        assert calls == []
    _serves_normally(deployment.url)


def test_many_headers_count_towards_the_limit(deployment):
    headers = "".join(f"X-H{i}: {'a' * 100}\r\n" for i in range(110)).encode()
    with _connect(deployment.url) as sock:
        sock.sendall(b"GET /r HTTP/1.1\r\nHost: x\r\n" + headers + b"\r\n")
        assert _read_all(sock).startswith(b"HTTP/1.1 431 ")
    _serves_normally(deployment.url)


@pytest.mark.parametrize("sent", [b"", b"GET /r HTTP/1.1\r\nHost: x\r\n",
                                  b"POST /r HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n12"])
def test_idle_and_half_sent_connections_are_closed(deployment, monkeypatch, sent):
    monkeypatch.setattr(limits, "IDLE_TIMEOUT", 0.3)
    with _connect(deployment.url) as sock:
        sock.sendall(sent)
        sock.settimeout(5)  # closed by the gateway well before this
        assert _read_all(sock) == b""
    assert calls == []
    _serves_normally(deployment.url)


def test_a_slow_but_steady_request_is_not_cut(deployment, monkeypatch):
    monkeypatch.setattr(limits, "IDLE_TIMEOUT", 1.0)  # each gap (0.3 s) is well under it
    with _connect(deployment.url) as sock:
        sock.sendall(b"POST /r HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\nContent-Type: text/plain\r\n"
                     b"Connection: close\r\n\r\n")
        for piece in (b"ab", b"cd", b"ef", b"gh", b"ij"):  # 1.5 s in all: longer than the timeout
            time.sleep(0.3)
            sock.sendall(piece)
        answer = _read_all(sock)
    assert answer.startswith(b"HTTP/1.1 200 ") and answer.endswith(b"\r\n\r\n10")


@pytest.mark.parametrize("headers", [
    {"x-bad": "a\r\nInjected: yes"}, {"x-bad": "line\nfeed"}, {"x-bad": "bell\x07"}, {"x-bad": "snow ☃"},
    {"bad name": "v"},
])
def test_invalid_header_from_the_handler_is_a_500(apigw, headers):
    api = HttpApi("BadHeaders")
    api.add_routes(path="/bad", methods=["GET"], integration=LambdaProxyIntegration(handler=Function(
        "Bad", handler=lambda e, c: {"statusCode": 200, "headers": headers, "body": "x"})))
    api.add_routes(path="/r", methods=["POST"], integration=LambdaProxyIntegration(
        handler=Function("Record", handler=record)))
    deployment = apigw.deploy(api)
    mark = LOG.mark()
    response = httpx.get(f"{deployment.url}/bad", timeout=10)
    assert response.status_code == 500
    assert response.json() == {"message": "Internal Server Error"}
    assert "Injected" not in response.headers
    entry = LOG.since(mark)[-1]
    assert entry.status == 500 and "malformed integration response" in entry.error
    _serves_normally(deployment.url)


def test_lambda_request_payload_over_6_mb_is_413_without_invoking(deployment):
    # 4.5 MiB of binary becomes 6 MiB of base64 in the event: over Lambda's request limit.
    big = httpx.post(f"{deployment.url}/r", content=b"\x00" * (4_800_000),
                     headers={"content-type": "application/octet-stream"}, timeout=30)
    assert (big.status_code, big.json()) == (413, {"message": "Request Entity Too Large"})
    assert calls == []
    # Just under: invoked.
    fits = httpx.post(f"{deployment.url}/r", content=b"a" * 6_000_000,
                      headers={"content-type": "text/plain"}, timeout=30)
    assert fits.status_code == 200 and fits.text == "6000000"
    _serves_normally(deployment.url)


def test_lambda_response_over_6_mb_is_500(apigw):
    api = HttpApi("BigAnswer")
    api.add_routes(path="/big/{n}", methods=["GET"], integration=LambdaProxyIntegration(handler=Function(
        "Big", handler=lambda e, c: {"statusCode": 200, "body": "x" * int(e["pathParameters"]["n"])})))
    deployment = apigw.deploy(api)
    mark = LOG.mark()
    over = httpx.get(f"{deployment.url}/big/6300000", timeout=30)
    assert (over.status_code, over.json()) == (500, {"message": "Internal Server Error"})
    assert "response payload limit" in LOG.since(mark)[-1].error
    under = httpx.get(f"{deployment.url}/big/6000000", timeout=30)
    assert under.status_code == 200 and len(under.content) == 6_000_000


def test_lambda_response_size_is_skipped_only_for_bodies_that_cannot_pass_the_limit(apigw):
    """A short text body skips the size computation (``SMALL_LAMBDA_RESPONSE_BODY``): just past
    it the size is computed as JSON, where a control character takes 6 bytes (``\\u0001``)."""
    from pytest_apigw_embedded.exchange.limits import SMALL_LAMBDA_RESPONSE_BODY

    api = HttpApi("Escaped")
    api.add_routes(path="/e/{n}", methods=["GET"], integration=LambdaProxyIntegration(handler=Function(
        "Escaped", handler=lambda e, c: {"statusCode": 200, "body": "\x01" * int(e["pathParameters"]["n"])})))
    deployment = apigw.deploy(api)
    for n in (SMALL_LAMBDA_RESPONSE_BODY, SMALL_LAMBDA_RESPONSE_BODY + 1):  # 6.2 MB as JSON: under
        assert httpx.get(f"{deployment.url}/e/{n}", timeout=30).status_code == 200
    mark = LOG.mark()
    over = httpx.get(f"{deployment.url}/e/1050000", timeout=30)  # 6.3 MB as JSON, 1.05 MB of text
    assert over.status_code == 500
    assert "response payload limit" in LOG.since(mark)[-1].error


def test_payload_over_10_mb_is_413(deployment):
    response = httpx.post(f"{deployment.url}/r", content=b"a" * (10 * 1024 * 1024 + 1), timeout=30)
    assert response.status_code == 413
    assert json.loads(response.content) == {"message": "Request Entity Too Large"}
    assert calls == []
    _serves_normally(deployment.url)


@pytest.fixture
def sized_upstream():
    """A loopback server answering ``/N`` with N bytes (content-length framed)."""
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
    from threading import Thread

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            size = int(self.path.rsplit("/", 1)[-1])
            self.send_response(200)
            self.send_header("content-length", str(size))
            self.end_headers()
            try:
                for start in range(0, size, 1 << 20):
                    self.wfile.write(b"u" * min(1 << 20, size - start))
            except OSError:  # the gateway stopped reading: expected past the limit
                pass

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = Thread(target=server.serve_forever, args=(0.01,), daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join(5)


def test_upstream_response_over_10_mb_is_502(apigw, sized_upstream):
    from pytest_apigw import HttpProxyIntegration

    api = HttpApi("Upstream")
    integration = HttpProxyIntegration(url=f"{sized_upstream}/{{n}}")
    api.add_routes(path="/{n}", methods=["GET"], integration=integration)
    deployment = apigw.deploy(api)
    mark = LOG.mark()
    over = httpx.get(f"{deployment.url}/{64 * 1024 * 1024}", timeout=30)
    assert (over.status_code, over.json()) == (502, {"message": "Bad Gateway"})
    assert "payload limit" in LOG.since(mark)[-1].error
    under = httpx.get(f"{deployment.url}/{10 * 1024 * 1024}", timeout=30)
    assert under.status_code == 200 and len(under.content) == 10 * 1024 * 1024
    assert httpx.get(f"{deployment.url}/5", timeout=10).content == b"uuuuu"


def test_a_head_sent_in_pieces_is_counted_once(deployment):
    path = b"/r?" + b"q" * 5000
    head = (b"GET " + path + b" HTTP/1.1\r\nHost: x\r\nX-Big: " + b"v" * 5150
            + b"\r\nConnection: close\r\n\r\n")
    with _connect(deployment.url) as sock:
        for start in range(0, len(head), 700):  # the URL arrives in several reads
            sock.sendall(head[start:start + 700])
            time.sleep(0.01)
        answer = _read_all(sock)
    assert answer.startswith(b"HTTP/1.1 200 "), answer[:100]


def test_a_slow_integration_is_not_cut_by_the_idle_timeout(apigw, monkeypatch):
    monkeypatch.setattr(limits, "IDLE_TIMEOUT", 0.3)

    def slow(event, context):
        time.sleep(1.0)
        return {"statusCode": 200, "body": "slow but fine"}

    api = HttpApi("Slow")
    api.add_routes(path="/slow", methods=["GET"], integration=LambdaProxyIntegration(
        handler=Function("Slow", handler=slow, timeout=5)))
    deployment = apigw.deploy(api)
    with _connect(deployment.url) as sock:
        sock.sendall(b"GET /slow HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        assert _read_all(sock).endswith(b"slow but fine")
