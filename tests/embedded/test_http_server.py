"""The lean HTTP/1.1 server of HTTP APIs (``server/http_protocol.py``) over real sockets: what it
handles itself (pipelining, bodies in pieces, keep-alive, Expect, HEAD, HTTP/1.0, refused upgrades,
malformed requests, clients that leave, a graceful stop) and the in-process hand-off
(``lambda_runtime/inprocess.py``) with handlers that call back into the same backend."""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
from urllib.parse import urlsplit

import httpx
import pytest
from pytest_apigw_embedded.lambda_runtime import inprocess
from pytest_apigw_embedded.server import http_protocol

from pytest_apigw import Function, HttpApi, LambdaProxyIntegration
from pytest_apigw.invocations import LOG


def answer(event, context):
    """Method, path, body and the client's port, as JSON; ``?sleep=s`` waits first."""
    query = event.get("queryStringParameters") or {}
    if "sleep" in query:
        time.sleep(float(query["sleep"]))
    return {"statusCode": 200, "headers": {"content-type": "application/json"}, "body": json.dumps({
        "method": event["requestContext"]["http"]["method"], "path": event["rawPath"],
        "body": event.get("body"), "b64": event["isBase64Encoded"],
        "port": event["headers"].get("x-forwarded-port")})}


@pytest.fixture
def deployment(apigw):
    api = HttpApi("Server")
    api.add_routes(path="/a/{x}", methods=["ANY"], integration=LambdaProxyIntegration(
        handler=Function("Answer", handler=answer, timeout=10)))
    return apigw.deploy(api)


def _connect(url: str) -> socket.socket:
    parts = urlsplit(url)
    return socket.create_connection((parts.hostname, parts.port), timeout=10)


def _read_response(sock: socket.socket, buffer: bytearray, head_only: bool = False) -> tuple[bytes, bytes]:
    """One response (head, body) off ``sock``, framed by content-length; ``buffer`` keeps the rest."""
    while b"\r\n\r\n" not in buffer:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError(f"closed after {bytes(buffer)!r}")
        buffer += chunk
    end = buffer.index(b"\r\n\r\n") + 4
    head = bytes(buffer[:end])
    length = 0
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":", 1)[1])
    if head_only:
        length = 0
    while len(buffer) < end + length:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("closed mid-body")
        buffer += chunk
    body = bytes(buffer[end:end + length])
    del buffer[:end + length]
    return head, body


def _closed(sock: socket.socket) -> bool:
    try:
        return sock.recv(1) == b""
    except ConnectionResetError:
        return True


def test_pipelined_requests_are_answered_in_order(deployment):
    # the first one waits in its handler (the gateway goes asynchronous), the others do not
    with _connect(deployment.url) as sock:
        sock.sendall(b"GET /a/1?sleep=0.2 HTTP/1.1\r\nHost: x\r\n\r\n"
                     b"POST /a/2 HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\n"
                     b"Content-Length: 3\r\n\r\nabc"
                     b"GET /nowhere HTTP/1.1\r\nHost: x\r\n\r\n"
                     b"GET /a/4 HTTP/1.1\r\nHost: x\r\n\r\n")
        buffer = bytearray()
        answers = [_read_response(sock, buffer) for _ in range(4)]
    assert [h.split(b"\r\n", 1)[0] for h, _ in answers] == [b"HTTP/1.1 200 OK"] * 2 + [
        b"HTTP/1.1 404 Not Found", b"HTTP/1.1 200 OK"]
    assert [json.loads(answers[i][1])["path"] for i in (0, 1, 3)] == ["/a/1", "/a/2", "/a/4"]
    assert json.loads(answers[1][1])["body"] == "abc"


def test_a_body_in_pieces_and_chunked_reaches_the_handler_whole(deployment):
    with _connect(deployment.url) as sock:
        buffer = bytearray()
        head = b"PUT /a/1 HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 10\r\n\r\n"
        for piece in (head[:20], head[20:], b"0123", b"45", b"6789"):
            sock.sendall(piece)
            time.sleep(0.02)
        _, body = _read_response(sock, buffer)
        assert json.loads(body)["body"] == "0123456789"
        sock.sendall(b"POST /a/2 HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\n"
                     b"Transfer-Encoding: chunked\r\n\r\n4\r\nwiki")
        time.sleep(0.02)
        sock.sendall(b"\r\n5\r\npedia\r\n0\r\n\r\n")
        _, body = _read_response(sock, buffer)
        assert json.loads(body)["body"] == "wikipedia"


def test_keep_alive_reuses_one_connection(deployment):
    with _connect(deployment.url) as sock:
        buffer = bytearray()
        for i in range(20):
            sock.sendall(f"GET /a/{i} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
            head, body = _read_response(sock, buffer)
            assert head.startswith(b"HTTP/1.1 200 ") and b"connection: close" not in head.lower()
            assert json.loads(body)["path"] == f"/a/{i}"
        sock.sendall(b"GET /a/last HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        head, _ = _read_response(sock, buffer)
        assert b"\r\nconnection: close\r\n" in head
        assert _closed(sock)


def test_an_idle_keep_alive_connection_is_closed(deployment, monkeypatch):
    monkeypatch.setattr(http_protocol, "KEEP_ALIVE", 0.3)
    with _connect(deployment.url) as sock:
        buffer = bytearray()
        sock.sendall(b"GET /a/1 HTTP/1.1\r\nHost: x\r\n\r\n")
        _read_response(sock, buffer)
        started = time.monotonic()
        assert _closed(sock)
        assert time.monotonic() - started < 5


def test_head_http10_expect_continue(deployment):
    with _connect(deployment.url) as sock:
        buffer = bytearray()
        sock.sendall(b"HEAD /a/1 HTTP/1.1\r\nHost: x\r\n\r\n")
        head, _ = _read_response(sock, buffer, head_only=True)
        assert head.startswith(b"HTTP/1.1 200 ") and b"content-length: " in head
        # the body is left out: the next answer follows at once
        sock.sendall(b"POST /a/2 HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nExpect: 100-continue\r\n\r\n")
        continue_head, _ = _read_response(sock, buffer, head_only=True)
        assert continue_head == b"HTTP/1.1 100 Continue\r\n\r\n"
        sock.sendall(b"hi")
        head, body = _read_response(sock, buffer)
        assert head.startswith(b"HTTP/1.1 200 ") and json.loads(body)["body"] == "aGk="
    with _connect(deployment.url) as sock:
        sock.sendall(b"GET /a/3 HTTP/1.0\r\nHost: x\r\n\r\n")
        head, _ = _read_response(sock, bytearray())
        assert b"\r\nconnection: close\r\n" in head and _closed(sock)


@pytest.mark.parametrize("request_bytes, status", [
    (b"GET /a/1 HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
     b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n", 403),
    (b"NONSENSE\r\n\r\n", 400),
    (b"POST /a/1 HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n", 400),
])
def test_refused_and_malformed_requests_close_the_connection(deployment, request_bytes, status):
    with _connect(deployment.url) as sock:
        sock.sendall(request_bytes)
        head, _ = _read_response(sock, bytearray())
        assert head.startswith(f"HTTP/1.1 {status} ".encode())
        assert _closed(sock)
    assert httpx.get(f"{deployment.url}/a/ok", timeout=10).status_code == 200


def test_a_client_leaving_while_its_handler_runs_does_not_disturb_the_gateway(deployment):
    mark = LOG.mark()
    with _connect(deployment.url) as sock:
        sock.sendall(b"GET /a/gone?sleep=0.3 HTTP/1.1\r\nHost: x\r\n\r\n")
        time.sleep(0.05)
    for _ in range(200):  # the invocation still completes and is recorded
        if any(r.status == 200 for r in LOG.since(mark)):
            break
        time.sleep(0.01)
    assert [r.status for r in LOG.since(mark)] == [200]
    assert httpx.get(f"{deployment.url}/a/after", timeout=10).json()["path"] == "/a/after"


def test_destroy_lets_an_answer_in_flight_finish(apigw):
    api = HttpApi("Stop")
    api.add_routes(path="/a/{x}", methods=["GET"], integration=LambdaProxyIntegration(
        handler=Function("Answer", handler=answer, timeout=10)))
    deployment = apigw.deploy(api)
    with _connect(deployment.url) as sock:
        sock.sendall(b"GET /a/slow?sleep=0.3 HTTP/1.1\r\nHost: x\r\n\r\n")
        time.sleep(0.1)
        stopper = threading.Thread(target=deployment.close)
        stopper.start()
        head, body = _read_response(sock, bytearray())
        stopper.join(10)
    assert head.startswith(b"HTTP/1.1 200 ") and b"\r\nconnection: close\r\n" in head
    assert json.loads(body)["path"] == "/a/slow"
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{deployment.url}/a/1", timeout=2)


def _deploy_reentrant(apigw, name: str, *, inner_timeout: float, timeout: float):
    """``GET /call/{depth}``: a handler that calls its own deployment ``depth`` levels deep and
    answers ``"2>1>bottom"`` for depth 2."""
    base: list[str] = []

    def outer(event, context):
        depth = int(event["pathParameters"]["depth"])
        if depth == 0:
            return {"statusCode": 200, "body": "bottom"}
        inner = httpx.get(f"{base[0]}/call/{depth - 1}", timeout=inner_timeout)
        return {"statusCode": 200, "body": f"{depth}>{inner.text}"}

    api = HttpApi(name)
    api.add_routes(path="/call/{depth}", methods=["GET"], integration=LambdaProxyIntegration(
        handler=Function(f"{name}Fn", handler=outer, timeout=timeout)))
    deployment = apigw.deploy(api)
    base.append(deployment.url)
    return deployment


def test_a_handler_calling_its_own_api_does_not_deadlock(apigw):
    """The loop waits for a handler only briefly in its own thread (``HANDOFF_WAIT``), then
    serves other requests: a handler that calls the same deployment (here nested twice) is
    answered, the wait costing at most a few milliseconds per level."""
    assert inprocess.HANDOFF_WAIT < 0.1
    deployment = _deploy_reentrant(apigw, "Reentrant", inner_timeout=5, timeout=10)
    started = time.monotonic()
    response = httpx.get(f"{deployment.url}/call/2", timeout=20)
    assert (response.status_code, response.text) == (200, "2>1>bottom")
    assert time.monotonic() - started < 5


def test_many_connections_at_once(deployment):
    results: list[int] = []

    def client(i: int) -> None:
        with httpx.Client(timeout=20) as http:
            results.extend(http.get(f"{deployment.url}/a/{i}-{j}").status_code for j in range(10))

    threads = [threading.Thread(target=client, args=(i,)) for i in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert results == [200] * 160


def test_a_request_that_never_waits_gets_no_task(deployment):
    """A 404 (nothing to wait for) is answered inside the read callback: the loop's task
    factory is never called for it; nor for a request whose handler outlasts the hand-off wait
    (followed through a resumable future), while a coroutine run on the loop does get a Task."""
    loop = deployment.backend.loop.loop
    created: list[str] = []

    def factory(loop, coro, **kwargs):
        created.append(coro.__qualname__)
        return asyncio.Task(coro, loop=loop, **kwargs)

    async def set_factory(value):
        loop.set_task_factory(value)

    async def on_the_loop():
        return None

    deployment.backend.loop.run(set_factory(factory))
    try:
        with httpx.Client(timeout=10) as http:
            statuses = [http.get(f"{deployment.url}/nowhere/{i}").status_code for i in range(20)]
            assert statuses == [404] * 20 and created == []
            assert http.get(f"{deployment.url}/a/1?sleep=0.05").status_code == 200
            assert created == []
        deployment.backend.loop.run(on_the_loop())
    finally:
        deployment.backend.loop.run(set_factory(None))
    assert created[:1] == [on_the_loop.__qualname__]


def test_a_lambda_answered_within_the_hand_off_gets_no_task(deployment):
    """The in-process hand-off is batched per loop turn and steps the request on without a
    Task (``eager_resumable``): quick handlers never reach the loop's task factory."""
    loop = deployment.backend.loop.loop
    created: list[object] = []

    def factory(loop, coro, **kwargs):
        created.append(coro)
        return asyncio.Task(coro, loop=loop, **kwargs)

    async def set_factory(value):
        loop.set_task_factory(value)

    with httpx.Client(timeout=10) as http:
        http.get(f"{deployment.url}/a/warm")  # prepared, the pool's thread started
        deployment.backend.loop.run(set_factory(factory))
        try:
            bodies = [http.get(f"{deployment.url}/a/{i}").json()["path"] for i in range(20)]
        finally:
            deployment.backend.loop.run(set_factory(None))
    assert bodies == [f"/a/{i}" for i in range(20)]
    # a handler the loop stopped waiting for is followed by a Task-free callback too; on a busy
    # machine a few may be: none may be missing or doubled
    assert len(created) <= 2


def test_answers_of_one_batch_reach_their_own_clients(deployment):
    """Sixteen connections sending at once: the invocations of one loop turn go to the
    handler thread together and every answer still goes back on the connection that asked."""
    port = urlsplit(deployment.url).port
    mismatched: list[tuple[str, str]] = []
    answered: list[int] = []
    start = threading.Barrier(16)

    def client(i: int) -> None:
        with socket.create_connection(("127.0.0.1", port), timeout=20) as sock:
            buffer = bytearray()
            start.wait(10)
            for j in range(25):
                path = f"/a/c{i}-{j}"
                sock.sendall(f"GET {path} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
                head, body = _read_response(sock, buffer)
                got = json.loads(body)["path"]
                if got != path:
                    mismatched.append((path, got))
                answered.append(int(head.split(b" ")[1]))

    threads = [threading.Thread(target=client, args=(i,)) for i in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert mismatched == [] and answered == [200] * 400


def test_a_slow_handler_does_not_hold_back_the_others_of_its_batch(deployment):
    """A handler still running when the hand-off wait ends is followed asynchronously; the
    quick invocations queued behind it in the same batch go to another thread at once."""
    port = urlsplit(deployment.url).port
    socks = [socket.create_connection(("127.0.0.1", port), timeout=20) for _ in range(4)]
    try:
        started = time.monotonic()
        socks[0].sendall(b"GET /a/slow?sleep=1.5 HTTP/1.1\r\nHost: x\r\n\r\n")
        for i, sock in enumerate(socks[1:], 1):
            sock.sendall(f"GET /a/quick{i} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
        for i, sock in enumerate(socks[1:], 1):
            head, body = _read_response(sock, bytearray())
            assert head.startswith(b"HTTP/1.1 200 ") and json.loads(body)["path"] == f"/a/quick{i}"
        quick_done = time.monotonic() - started
        head, body = _read_response(socks[0], bytearray())
        assert head.startswith(b"HTTP/1.1 200 ") and json.loads(body)["path"] == "/a/slow"
        assert quick_done < 1.2  # not held behind the 1.5 s handler
    finally:
        for sock in socks:
            sock.close()


def test_concurrent_handlers_calling_their_own_api_never_deadlock(apigw):
    """Eight connections at once, each handler calling the same deployment (the batched hand-off
    with slow handlers in its batches, their neighbours requeued): every request is answered."""
    deployment = _deploy_reentrant(apigw, "ReentrantMany", inner_timeout=10, timeout=20)
    answers: list[tuple[int, str]] = []
    lock = threading.Lock()

    def client() -> None:
        with httpx.Client(timeout=30) as http:
            for _ in range(3):
                response = http.get(f"{deployment.url}/call/2")
                with lock:
                    answers.append((response.status_code, response.text))

    started = time.monotonic()
    threads = [threading.Thread(target=client) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert answers == [(200, "2>1>bottom")] * 24
    assert time.monotonic() - started < 30
