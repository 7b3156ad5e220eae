"""The floor: a minimal loopback HTTP server answering a fixed response, same client as every row.

``floor`` is uvicorn + httptools with a three-line ASGI app on a uvloop loop in a background
thread of this process: the same server stack and the same in-process arrangement as the embedded
gateway (which shares the GIL with the client the same way), without the gateway. It is what the
gateway rows are compared with.

``floor_raw`` (informational) is an ``asyncio.Protocol`` on uvloop that answers fixed bytes
without parsing HTTP: how much of the floor is uvicorn itself.
``client_httpx`` (informational, full runs) is the floor again through ``httpx.Client``: why the
harness uses ``http.client``.
"""

from __future__ import annotations

import asyncio
import logging
import socket
from typing import Any

from benchmarks.common import (
    LOOPBACK,
    LoopThread,
    Result,
    Settings,
    bench,
    clock,
    no_gc,
    rate_row,
    run_client,
)

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


class _FixedProtocol(asyncio.Protocol):
    """Answers every complete request head (``\\r\\n\\r\\n``) with the fixed response."""

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
            self.transport.write(RAW_RESPONSE * count)


class RawServer:
    def __init__(self) -> None:
        self.thread = LoopThread()

        async def start() -> Any:
            return await self.thread.loop.create_server(_FixedProtocol, LOOPBACK, 0)

        self.server = self.thread.run(start())
        self.port = self.server.sockets[0].getsockname()[1]
        self.url = f"http://{LOOPBACK}:{self.port}/items/42"

    def close(self) -> None:
        async def stop() -> None:
            self.server.close()
            await self.server.wait_closed()

        self.thread.run(stop())
        self.thread.stop()


def _serve_and_measure(server: UvicornServer | RawServer, name: str, note: str, settings: Settings) -> Result:
    """Run the harness client against ``server`` (closed afterwards) and make its row."""
    try:
        result = run_client(server.url, requests=settings.count(20000, 3000), warmup=settings.warmup,
                            time_limit=settings.time_limit)
    finally:
        server.close()
    return rate_row(name, result, vs="floor", note=note)


@bench("floor", order=0)
def floor(settings: Settings) -> Result:
    return _serve_and_measure(UvicornServer(), "floor", "uvicorn+httptools, uvloop thread, in-process",
                              settings)


@bench("floor_raw", order=1)
def floor_raw(settings: Settings) -> Result:
    return _serve_and_measure(RawServer(), "floor_raw", "asyncio.Protocol fixed bytes, uvloop thread",
                              settings)


@bench("client_httpx", order=2)
def client_httpx(settings: Settings) -> Result:
    """The floor through ``httpx.Client`` (keep-alive): the cost of the other client choice."""
    if settings.quick:
        return Result("client_httpx", float("nan"), "req/s", note="skipped in --quick")
    import httpx

    server = UvicornServer()
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
    server = UvicornServer()
    try:
        _raw_get_loop(server.port, settings.warmup, settings.time_limit)
        done, seconds = _raw_get_loop(server.port, settings.count(20000, 3000), settings.time_limit)
    finally:
        server.close()
    return Result("client_raw", done / seconds, "req/s", vs="floor",
                  note=f"floor via a bare socket client, {done} req (not the harness client)")
