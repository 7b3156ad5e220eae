"""The last step of a request finished in the handler's thread (``lambda_runtime/inprocess.py``,
``server/eager.py``'s ``resume_elsewhere``, ``server/http_protocol.py``'s ``_respond_elsewhere``),
over real sockets: on one keep-alive connection the answer is written while the event loop is
blocked (so it is not the loop that writes it), the invocation is recorded before the bytes leave,
the connection goes on normally afterwards; answers that need the loop (closing, queued requests)
still go through it; timeouts are kept by one shared timer that a sooner deadline moves."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest

from pytest_apigw import Function, HttpApi, LambdaProxyIntegration
from pytest_apigw.invocations import LOG

ENTERED = threading.Event()
PROCEED = threading.Event()


def gated(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Signals it runs, then waits for the test (``/gated/...``); answers its path."""
    if event["rawPath"].startswith("/gated"):
        ENTERED.set()
        PROCEED.wait(10)
    query = event.get("queryStringParameters") or {}
    if "sleep" in query:
        time.sleep(float(query["sleep"]))
    answer = {"path": event["rawPath"], "thread": threading.current_thread().name}
    if "big" in query:  # more than a socket takes at once
        answer["filler"] = "x" * int(query["big"])
    return {"statusCode": 200, "headers": {"content-type": "application/json"}, "body": json.dumps(answer)}


@pytest.fixture
def deployment(apigw: Any) -> Any:
    ENTERED.clear()
    PROCEED.clear()
    api = HttpApi("Elsewhere")
    api.add_routes(path="/{proxy+}", methods=["ANY"], integration=LambdaProxyIntegration(
        handler=Function("Gated", handler=gated, timeout=10)))
    yield apigw.deploy(api)
    PROCEED.set()


@pytest.fixture
def connection(deployment: Any) -> Iterator[socket.socket]:
    parts = urlsplit(deployment.url)
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as sock:
        yield sock


def _read(sock: socket.socket, buffer: bytearray) -> tuple[bytes, bytes]:
    """One response (head, body) framed by content-length; ``buffer`` keeps what follows."""
    while b"\r\n\r\n" not in buffer:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError(f"closed after {bytes(buffer)!r}")
        buffer += chunk
    end = buffer.index(b"\r\n\r\n") + 4
    head = bytes(buffer[:end])
    length = next((int(line.split(b":", 1)[1]) for line in head.split(b"\r\n")
                   if line.lower().startswith(b"content-length:")), 0)
    while len(buffer) < end + length:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("closed mid-body")
        buffer += chunk
    body = bytes(buffer[end:end + length])
    del buffer[:end + length]
    return head, body


class _BlockedLoop:
    """Holds the deployment's event-loop thread in a callback until released."""

    def __init__(self, deployment: Any) -> None:
        self._loop = deployment.backend.loop.loop
        self._inside = threading.Event()
        self._release = threading.Event()

    def __enter__(self) -> _BlockedLoop:
        self._loop.call_soon_threadsafe(self._hold)
        assert self._inside.wait(5), "the loop never ran the blocking callback"
        return self

    def _hold(self) -> None:
        self._inside.set()
        self._release.wait(10)

    def __exit__(self, *exc: object) -> None:
        self._release.set()


def test_the_answer_is_written_by_the_handlers_thread_while_the_loop_is_blocked(deployment, connection):
    buffer = bytearray()
    connection.sendall(b"GET /warm HTTP/1.1\r\nHost: x\r\n\r\n")
    assert _read(connection, buffer)[0].startswith(b"HTTP/1.1 200 ")
    mark = LOG.mark()
    connection.sendall(b"GET /gated/1 HTTP/1.1\r\nHost: x\r\n\r\n")
    assert ENTERED.wait(5)
    with _BlockedLoop(deployment):
        PROCEED.set()
        connection.settimeout(5)
        head, body = _read(connection, buffer)  # arrives with the loop held: not the loop's write
        records = LOG.since(mark)  # read at once: recorded before the bytes left
        assert head.startswith(b"HTTP/1.1 200 ") and b"connection: close" not in head.lower()
        assert json.loads(body)["path"] == "/gated/1"
        assert [(r.route_key, r.status) for r in records] == [("ANY /{proxy+}", 200)]
        assert records[0].result is not None and records[0].integration_latency_ms is not None
    # the connection goes on normally: state left consistent for the loop
    for i in range(5):
        connection.sendall(f"GET /after/{i} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
        head, body = _read(connection, buffer)
        assert head.startswith(b"HTTP/1.1 200 ") and json.loads(body)["path"] == f"/after/{i}"


def test_an_answer_that_closes_the_connection_waits_for_the_loop(deployment, connection):
    buffer = bytearray()
    connection.sendall(b"GET /gated/close HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    assert ENTERED.wait(5)
    with _BlockedLoop(deployment):
        PROCEED.set()
        connection.settimeout(0.5)
        with pytest.raises(TimeoutError):  # the loop closes connections: it writes this one too
            connection.recv(1)
    connection.settimeout(5)
    head, body = _read(connection, buffer)
    assert head.startswith(b"HTTP/1.1 200 ") and b"\r\nconnection: close\r\n" in head
    assert json.loads(body)["path"] == "/gated/close"
    assert connection.recv(1) == b""


def test_pipelined_requests_behind_one_finished_elsewhere_are_answered_in_order(deployment, connection):
    connection.sendall(b"GET /first?sleep=0.1 HTTP/1.1\r\nHost: x\r\n\r\n"
                       b"GET /second HTTP/1.1\r\nHost: x\r\n\r\n"
                       b"HEAD /third HTTP/1.1\r\nHost: x\r\n\r\n"
                       b"GET /fourth HTTP/1.1\r\nHost: x\r\n\r\n")
    buffer = bytearray()
    paths = [json.loads(_read(connection, buffer)[1])["path"] for _ in range(2)]
    head = bytes(buffer)
    while head.count(b"\r\n\r\n") < 1:
        head += connection.recv(65536)
    third, _, rest = head.partition(b"\r\n\r\n")
    assert third.startswith(b"HTTP/1.1 200 ") and b"content-length:" in third.lower()
    buffer = bytearray(rest)
    paths.append(json.loads(_read(connection, buffer)[1])["path"])
    assert paths == ["/first", "/second", "/fourth"]


def test_a_sooner_timeout_moves_the_shared_timer_and_the_connection_goes_on(apigw):
    api = HttpApi("Timeouts")
    api.add_routes(path="/patient", methods=["GET"], integration=LambdaProxyIntegration(
        handler=Function("Patient", handler=gated, timeout=6)))
    api.add_routes(path="/hasty", methods=["GET"], integration=LambdaProxyIntegration(
        handler=Function("Hasty", handler=gated, timeout=1)))
    deployment = apigw.deploy(api)
    parts = urlsplit(deployment.url)
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as sock:
        buffer = bytearray()
        sock.sendall(b"GET /patient HTTP/1.1\r\nHost: x\r\n\r\n")  # arms the timer for 6 s
        assert _read(sock, buffer)[0].startswith(b"HTTP/1.1 200 ")
        started = time.monotonic()
        sock.sendall(b"GET /hasty?sleep=3 HTTP/1.1\r\nHost: x\r\n\r\n")
        head, _ = _read(sock, buffer)
        took = time.monotonic() - started
        assert head.startswith(b"HTTP/1.1 500 ")  # the function's own timeout: a function error
        assert 0.9 <= took < 2.5, took  # at its 1 s timeout, not the 6 s the timer was armed for
        sock.sendall(b"GET /patient HTTP/1.1\r\nHost: x\r\n\r\n")
        head, body = _read(sock, buffer)
        assert head.startswith(b"HTTP/1.1 200 ") and json.loads(body)["path"] == "/patient"
    timed_out = [r for r in LOG.since(0) if r.api_id == deployment.api_id and r.status == 500]
    assert timed_out and "timed out after 1.00 seconds" in (timed_out[-1].error or "")


def test_a_big_answer_the_socket_takes_in_parts_stays_ahead_of_the_next_request(deployment):
    """The kernel takes part of the answer (the client reads nothing for a while); the loop
    writes the rest, and a request sent meanwhile is answered only after it, whole and in order."""
    big = 5_000_000
    parts = urlsplit(deployment.url)
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 16384)  # before connecting: a small window
        sock.settimeout(20)
        sock.connect((parts.hostname, parts.port))
        buffer = bytearray()
        sock.sendall(b"GET /warm HTTP/1.1\r\nHost: x\r\n\r\n")  # the first answer arms the keep-alive timer
        assert _read(sock, buffer)[0].startswith(b"HTTP/1.1 200 ")
        sock.sendall(f"GET /big?big={big} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
        time.sleep(0.3)  # nothing read yet: the answer is stuck in part
        sock.sendall(b"GET /next HTTP/1.1\r\nHost: x\r\n\r\n")
        head, body = _read(sock, buffer)
        assert head.startswith(b"HTTP/1.1 200 ")
        first = json.loads(body)
        assert first["path"] == "/big" and len(first["filler"]) == big
        head, body = _read(sock, buffer)
        assert json.loads(body)["path"] == "/next" and buffer == bytearray()
