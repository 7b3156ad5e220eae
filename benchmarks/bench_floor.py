"""The floor: a bare loopback server answering the gateway's exact response, same client as every row.

``floor`` is an ``asyncio.Protocol`` on a uvloop loop in a background thread of this process
(the same in-process arrangement as the embedded gateway, which shares the GIL with the client the
same way) writing, for each request head it receives, the bytes the embedded gateway answers the
throughput rows' ``GET /items/42`` with (captured once from a live deployment: same status line,
headers and body). Nothing is parsed, nothing is built: it is what any server on this machine,
client and loop costs, and what the gateway rows are compared with.

``floor_uvicorn`` (the second reference) is uvicorn + httptools with a three-line ASGI app answering
a JSON body of the same size: what an ordinary ASGI server costs on the same client.
``client_httpx`` / ``client_raw`` (informational, full runs) are the floor through ``httpx.Client``
and through a bare socket client: how much of the floor is the client.
"""

from __future__ import annotations

import asyncio
import logging
import socket
from typing import Any

from benchmarks.common import (
    LOOPBACK,
    Result,
    Settings,
    bench,
    clock,
    interleaved,
    no_gc,
    paired,
    rate_row,
    ratio_range,
)
from benchmarks.processes import LoopThread, stop_server

BODY = b'{"message":"hello","path":"/items/42"}'
HEADERS = [(b"content-type", b"application/json"), (b"content-length", str(len(BODY)).encode())]


async def fixed_app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """The trivial ASGI app: one fixed JSON answer."""
    if scope["type"] != "http":
        return
    await send({"type": "http.response.start", "status": 200, "headers": HEADERS})
    await send({"type": "http.response.body", "body": BODY})


class UvicornServer:
    """uvicorn (httptools) serving ``app`` on a free loopback port, on a uvloop thread."""

    def __init__(self, app: Any = fixed_app) -> None:
        import uvicorn

        self.thread = LoopThread()
        config = uvicorn.Config(
            app, host=LOOPBACK, port=0, loop="none", http="httptools", lifespan="off",
            access_log=False, log_level=logging.WARNING, log_config=None, server_header=False,
        )
        config.load()
        self.server = uvicorn.Server(config)
        self.server.lifespan = config.lifespan_class(config)
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind((LOOPBACK, 0))
        self.port = self.sock.getsockname()[1]
        self.thread.run(self.server.startup(sockets=[self.sock]))
        self.url = f"http://{LOOPBACK}:{self.port}/items/42"

    def close(self) -> None:
        async def stop() -> None:
            self.server.should_exit = True
            await self.server.shutdown()

        self.thread.run(stop())
        self.sock.close()
        self.thread.stop()


RAW_RESPONSE = (
    b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: "
    + str(len(BODY)).encode() + b"\r\n\r\n" + BODY
)
_GATEWAY_RESPONSE: list[bytes] = []


def _read_response(sock: socket.socket) -> bytes:
    """One complete HTTP/1.1 response (content-length framed) from ``sock``."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            raise RuntimeError(f"connection closed mid-response: {data[:200]!r}")
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    while len(rest) < length:
        rest += sock.recv(65536)
    return head + b"\r\n\r\n" + rest[:length]


def gateway_response() -> bytes:
    """The exact bytes the embedded gateway answers the throughput rows' request with (the
    ``lambda_proxy`` API and request; captured once per run from a live deployment)."""
    if not _GATEWAY_RESPONSE:
        from pytest_apigw_embedded.backend import EmbeddedBackend

        from benchmarks.apis import TARGET_PATH, make_api

        backend = EmbeddedBackend()
        try:
            deployment = backend.deploy(make_api(50))
            port = int(deployment.url.rsplit(":", 1)[1].split("/")[0])
            with socket.create_connection((LOOPBACK, port)) as sock:
                sock.sendall(f"GET {TARGET_PATH} HTTP/1.1\r\nHost: {LOOPBACK}:{port}\r\n"
                             "Accept: */*\r\n\r\n".encode())
                response = _read_response(sock)
        finally:
            backend.close()
        if not response.startswith(b"HTTP/1.1 200 "):
            raise RuntimeError(f"the gateway answered {response[:200]!r}")
        _GATEWAY_RESPONSE.append(response)
    return _GATEWAY_RESPONSE[0]


class _FixedProtocol(asyncio.Protocol):
    """Answers every complete request head (``\\r\\n\\r\\n``) with the fixed response."""

    response = RAW_RESPONSE

    def __init__(self) -> None:
        self.transport: Any = None
        self.buffer = b""

    def connection_made(self, transport: Any) -> None:
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        count = self.buffer.count(b"\r\n\r\n")
        if count:
            self.buffer = self.buffer[self.buffer.rfind(b"\r\n\r\n") + 4:]
            self.transport.write(self.response * count)


class RawServer:
    """The floor: fixed ``response`` bytes (the gateway's by default) for every request head."""

    def __init__(self, response: bytes | None = None) -> None:
        self.response = gateway_response() if response is None else response
        self.thread = LoopThread()
        protocol = type("_Fixed", (_FixedProtocol,), {"response": self.response})

        async def start() -> Any:
            return await self.thread.loop.create_server(protocol, LOOPBACK, 0)

        self.server = self.thread.run(start())
        self.port = self.server.sockets[0].getsockname()[1]
        self.url = f"http://{LOOPBACK}:{self.port}/items/42"

    def close(self) -> None:
        stop_server(self.thread, self.server)


@bench("floor", order=0)
def floor(settings: Settings) -> list[Result]:
    """``floor`` and ``floor_uvicorn``, measured in alternating rounds."""
    raw = RawServer()
    uvicorn_server = UvicornServer()
    try:
        totals, rounds = interleaved(
            {"floor": raw.url, "floor_uvicorn": uvicorn_server.url},
            requests=settings.count(20000, 3000), rounds=4 if settings.quick else 10,
            warmup=settings.warmup, time_limit=2 * settings.time_limit,
        )
    finally:
        raw.close()
        uvicorn_server.close()
    low, high = ratio_range(rounds, "floor_uvicorn", "floor")
    return [
        rate_row("floor", totals["floor"], vs="floor",
                 note=f"asyncio.Protocol writing the gateway's exact {len(raw.response)}-byte response, "
                      "uvloop thread, in-process"),
        rate_row("floor_uvicorn", totals["floor_uvicorn"], vs="floor",
                 paired_ratio=paired(rounds, "floor_uvicorn", "floor"),
                 note=f"uvicorn+httptools hello world (second reference); ratio {low:.2f}-{high:.2f}"),
    ]


@bench("client_httpx", order=2)
def client_httpx(settings: Settings) -> Result:
    """The floor through ``httpx.Client`` (keep-alive): the cost of the other client choice."""
    if settings.quick:
        return Result("client_httpx", float("nan"), "req/s", note="skipped in --quick")
    import httpx

    server = RawServer()
    try:
        with httpx.Client() as client:
            for _ in range(settings.warmup):
                client.get(server.url)
            requests = settings.count(8000, 1000)
            done = 0
            with no_gc():
                start = clock()
                while done < requests and clock() - start < settings.time_limit:
                    if client.get(server.url).status_code != 200:
                        raise RuntimeError("floor answered non-200 through httpx")
                    done += 1
                seconds = clock() - start
    finally:
        server.close()
    return Result("client_httpx", done / seconds, "req/s", vs="floor",
                  note=f"floor via httpx.Client, {done} req (not the harness client)")


def _raw_get_loop(port: int, requests: int, time_limit: float) -> tuple[int, float]:
    """Minimal socket client: fixed request bytes, reads head + content-length body."""
    conn = socket.create_connection((LOOPBACK, port))
    conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    request = f"GET /items/42 HTTP/1.1\r\nHost: {LOOPBACK}:{port}\r\n\r\n".encode()
    buffer = b""
    done = 0
    try:
        with no_gc():
            start = clock()
            while done < requests and (done & 63 or clock() - start < time_limit):
                conn.sendall(request)
                while True:
                    buffer += conn.recv(65536)
                    end = buffer.find(b"\r\n\r\n")
                    if end >= 0:
                        head = buffer[:end].lower()
                        length = int(head.split(b"content-length:", 1)[1].split(b"\r\n", 1)[0])
                        if len(buffer) >= end + 4 + length:
                            buffer = buffer[end + 4 + length:]
                            break
                done += 1
            return done, clock() - start
    finally:
        conn.close()


@bench("client_raw", order=3)
def client_raw(settings: Settings) -> Result:
    """The floor through a bare socket client: how much of the floor is ``http.client``."""
    if settings.quick:
        return Result("client_raw", float("nan"), "req/s", note="skipped in --quick")
    server = RawServer()
    try:
        _raw_get_loop(server.port, settings.warmup, settings.time_limit)
        done, seconds = _raw_get_loop(server.port, settings.count(20000, 3000), settings.time_limit)
    finally:
        server.close()
    return Result("client_raw", done / seconds, "req/s", vs="floor",
                  note=f"floor via a bare socket client, {done} req (not the harness client)")
