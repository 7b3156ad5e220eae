"""The lean server's request heads (``server/head.py``, ``server/http_protocol.py``) over real
sockets: the fast path (header lines and request targets decoded once and remembered; HTTP/1.1
keep-alive taken for granted when no ``Connection``-like header says otherwise, without asking the
parser) gives exactly what the general path gives (nothing remembered, the version asked, every
head's hop-by-hop headers read)."""

from __future__ import annotations

import json
import socket
from typing import Any
from urllib.parse import urlsplit

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from pytest_apigw_embedded.server import head

from pytest_apigw import Function, HttpApi, LambdaProxyIntegration
from tests.embedded.conftest import echo

_NAMES = ("X-A", "x-a", "Accept", "User-Agent", "Connection", "connection", "Proxy-Connection", "Expect",
          "Cookie", "X-Long")
_VALUES = ("1", "*/*", "keep-alive", "close", "Keep-Alive, x-a", "x-a", "a=b; c=d", "100-continue", "é",
           "v" * 300)
_CONTINUE = b"HTTP/1.1 100 Continue\r\n\r\n"
_TARGETS = ("/echo/a", "/echo/a%20b", "/echo/%E2%9C%93?x=1&y=%20", "/echo/q?", "/echo/a?b=c#frag",
            "http://example.com/echo/abs?z=1", "/echo/" + "p" * 300)


@pytest.fixture(scope="module")
def echo_url(apigw_session):
    api = HttpApi("Heads")
    api.add_routes(path="/echo/{x+}", methods=["GET"], integration=LambdaProxyIntegration(
        handler=Function("HeadEcho", handler=echo)))
    with apigw_session.deployed(api) as deployment:
        yield deployment.url


def _exchange(url: str, raw: bytes) -> tuple[bool, int, dict[str, Any] | None, bool]:
    """Send ``raw`` on a new connection: ``(closed by the server after the answer, status,
    the event or None, a ``100 Continue`` came first)``."""
    parts = urlsplit(url)
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as sock:
        sock.sendall(raw)
        buffer = b""
        while b"\r\n\r\n" not in buffer:
            chunk = sock.recv(65536)
            assert chunk, buffer
            buffer += chunk
        continued = buffer.startswith(_CONTINUE)
        if continued:
            buffer = buffer[len(_CONTINUE):]
            while b"\r\n\r\n" not in buffer:
                chunk = sock.recv(65536)
                assert chunk, buffer
                buffer += chunk
        head_bytes, _, body = buffer.partition(b"\r\n\r\n")
        lines = head_bytes.split(b"\r\n")
        status = int(lines[0].split()[1])
        length = next(int(line.split(b":")[1]) for line in lines
                      if line.lower().startswith(b"content-length:"))
        while len(body) < length:
            chunk = sock.recv(65536)
            assert chunk
            body += chunk
        closing = b"connection: close" in head_bytes.lower()
        sock.settimeout(0.5 if closing else 0.05)
        try:
            closed = sock.recv(1) == b""
        except TimeoutError:
            closed = False
    assert closed == closing
    event = json.loads(body) if status == 200 else None
    return closed, status, event, continued


def _steady(result: tuple[bool, int, dict[str, Any] | None, bool]) -> Any:
    """What must not differ between two sends of one request (ids, times, ports aside)."""
    closed, status, event, continued = result
    if event is not None:
        event["requestContext"].pop("requestId")
        event["requestContext"].pop("time")
        event["requestContext"].pop("timeEpoch")
        event["headers"].pop("x-amzn-trace-id")
        event["headers"].pop("x-forwarded-port", None)
    return closed, status, event, continued


def _general(line: tuple[bytes, bytes]) -> head.Decoded:
    spelled, pair, size, _ = _decode(line)
    return spelled, pair, size, True  # every head read as if it had a hop-by-hop header


_decode = head.decode_header


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(version=st.sampled_from(("1.1", "1.0")), target=st.sampled_from(_TARGETS),
       headers=st.lists(st.tuples(st.sampled_from(_NAMES), st.sampled_from(_VALUES)), max_size=5))
@example(version="1.1", target="/echo/a", headers=[("Connection", "close")])
@example(version="1.1", target="/echo/a", headers=[("Proxy-Connection", "close")])
@example(version="1.0", target="/echo/a", headers=[("Connection", "keep-alive")])
@example(version="1.0", target="/echo/a", headers=[("Proxy-Connection", "keep-alive")])
@example(version="1.1", target="/echo/a%20b", headers=[("X-A", "1"), ("x-a", "2")])
def test_the_fast_head_path_gives_what_the_general_path_gives(echo_url, version, target, headers):
    raw = (f"GET {target} HTTP/{version}\r\nHost: 127.0.0.1\r\n".encode()
           + b"".join(f"{name}: {value}\r\n".encode("latin-1") for name, value in headers) + b"\r\n")
    fast = [_steady(_exchange(echo_url, raw)) for _ in range(2)]  # the second from the caches
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(head, "CACHED_LEN", -1)  # nothing remembered
        patch.setattr(head, "decode_header", _general)
        head.HEADERS.clear()
        head.TARGETS.clear()
        general = _steady(_exchange(echo_url, raw))
    assert fast == [general, general]
    closed, status, event, _ = general
    if event is not None:
        assert event["requestContext"]["http"]["protocol"] == f"HTTP/{version}"


def test_caches_stay_bounded_and_long_lines_are_not_kept(echo_url, monkeypatch):
    monkeypatch.setattr(head, "CACHE_SIZE", 8)
    for n in range(20):
        closed, status, event, _ = _exchange(echo_url, f"GET /echo/{n} HTTP/1.1\r\nHost: h\r\nX-N: {n}\r\n"
                                          f"X-Long: {'v' * 300}\r\n\r\n".encode())
        assert (status, event["headers"]["x-n"], len(event["headers"]["x-long"])) == (200, str(n), 300)
        assert len(head.HEADERS) <= 8 and len(head.TARGETS) <= 8
    assert not any(len(value) > head.CACHED_LEN for (_, value) in head.HEADERS)
