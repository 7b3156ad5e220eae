"""The HTTP side of one instance's Runtime API: a small HTTP/1.1 server on a loopback port.

A runtime makes two requests per invocation (``/next``, then the answer) on one keep-alive
connection, one at a time, so a lean ``asyncio.Protocol`` with httptools' parser serves it:
uvicorn's ASGI machinery cost about as much again per invocation and bought nothing here.
"""

from __future__ import annotations

import asyncio
import socket
from typing import Any

import httptools

from pytest_apigw_embedded.lambda_runtime.runtime_api import MAX_PAYLOAD_SIZE, Answer, RuntimeApi

#: Where every Runtime API listens (``AWS_LAMBDA_RUNTIME_API`` is ``127.0.0.1:<port>``).
HOST = "127.0.0.1"

_REASONS = {200: b"OK", 202: b"Accepted", 400: b"Bad Request", 403: b"Forbidden", 404: b"Not Found",
            413: b"Request Entity Too Large", 500: b"Internal Server Error"}


class _Connection(asyncio.Protocol):
    """One runtime connection: parse requests, hand them to the :class:`RuntimeApi`, answer."""

    def __init__(self, api: RuntimeApi, server: RuntimeApiServer) -> None:
        self.api = api
        self.server = server
        self.parser = httptools.HttpRequestParser(self)
        self.transport: asyncio.Transport | None = None
        self._reset()
        self._waiting: asyncio.Task[Answer] | None = None

    def _reset(self) -> None:
        self.url = b""
        self.headers: dict[bytes, bytes] = {}
        self.body: list[bytes] = []
        self.size = 0

    # -- asyncio.Protocol ---------------------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]
        self.server.connections.add(self)

    def data_received(self, data: bytes) -> None:
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserError:
            self._write(400, [], b'{"errorMessage":"bad request","errorType":"BadRequest"}', close=True)

    def connection_lost(self, exc: Exception | None) -> None:
        self.server.connections.discard(self)
        self.transport = None
        if self._waiting is not None:
            self._waiting.cancel()

    # -- httptools callbacks ------------------------------------------------------------------

    def on_url(self, url: bytes) -> None:
        self.url += url

    def on_header(self, name: bytes, value: bytes) -> None:
        self.headers[name.lower()] = value

    def on_body(self, body: bytes) -> None:
        self.size += len(body)
        if self.size <= MAX_PAYLOAD_SIZE:
            self.body.append(body)

    def on_message_complete(self) -> None:
        method = self.parser.get_method().decode()
        path = httptools.parse_url(self.url).path.decode()
        body, too_large, headers = b"".join(self.body), self.size > MAX_PAYLOAD_SIZE, self.headers
        self._reset()
        answer = self.api.handle(method, path, body, too_large, headers)
        if isinstance(answer, tuple):
            self._write(*answer)
            return
        self._waiting = asyncio.ensure_future(answer)
        self._waiting.add_done_callback(self._answered)

    def _answered(self, task: asyncio.Task[Answer]) -> None:
        self._waiting = None
        if not task.cancelled() and task.exception() is None:
            self._write(*task.result())

    def _write(self, status: int, headers: list[tuple[bytes, bytes]], body: bytes,
               close: bool = False) -> None:
        if self.transport is None or self.transport.is_closing():
            return
        lines = [b"HTTP/1.1 %d %s" % (status, _REASONS.get(status, b"Unknown"))]
        lines.extend(name + b": " + value for name, value in headers)
        lines.append(b"Content-Length: %d" % len(body))
        if close:
            lines.append(b"Connection: close")
        self.transport.write(b"\r\n".join(lines) + b"\r\n\r\n" + body)
        if close:
            self.transport.close()

    def abort(self) -> None:
        """Drop the connection now."""
        if self.transport is not None:
            self.transport.abort()


class RuntimeApiServer:
    """Serves one :class:`RuntimeApi` on ``127.0.0.1:<port>`` (the kernel picks the port)."""

    def __init__(self, api: RuntimeApi) -> None:
        self.api = api
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind((HOST, 0))
        self.sock.set_inheritable(False)
        self.port: int = self.sock.getsockname()[1]
        self.connections: set[_Connection] = set()
        self._server: Any = None

    async def start(self) -> None:
        """Begin accepting connections."""
        loop = asyncio.get_running_loop()
        self._server = await loop.create_server(lambda: _Connection(self.api, self), sock=self.sock)

    async def stop(self) -> None:
        """Stop accepting and drop every connection."""
        if self._server is not None:
            self._server.close()
        for connection in list(self.connections):
            connection.abort()
        if self._server is not None:
            await self._server.wait_closed()
            self._server = None
        self.sock.close()
