"""The HTTP side of one instance's Runtime API: a small HTTP/1.1 server on a loopback port.

A runtime makes two requests per invocation (``/next``, then the answer) on one keep-alive
connection, so a lean ``asyncio.Protocol`` with httptools' parser serves it: uvicorn's ASGI
machinery cost about as much again per invocation and bought nothing here. A waiting ``/next`` is
answered straight from :meth:`RuntimeApi.dispatch` (no task, no extra turn of the loop).
"""

from __future__ import annotations

import asyncio
import os
import select
import socket
import time
from typing import Any

import httptools

from pytest_apigw_embedded.lambda_runtime.runtime_api import ACCEPTED, MAX_PAYLOAD_SIZE, Answer, RuntimeApi

#: Where every Runtime API listens (``AWS_LAMBDA_RUNTIME_API`` is ``127.0.0.1:<port>``).
HOST = "127.0.0.1"

_REASONS = {200: b"OK", 202: b"Accepted", 400: b"Bad Request", 403: b"Forbidden", 404: b"Not Found",
            413: b"Request Entity Too Large", 500: b"Internal Server Error"}


_STATUS_LINES = {status: b"HTTP/1.1 %d %s\r\n" % (status, reason) for status, reason in _REASONS.items()}


def render(status: int, headers: list[tuple[bytes, bytes]], body: bytes, close: bool = False) -> bytes:
    """One HTTP/1.1 response: status line, headers, ``Content-Length``, body, in one buffer."""
    parts = [_STATUS_LINES.get(status) or b"HTTP/1.1 %d Unknown\r\n" % status]
    for name, value in headers:
        parts.append(name + b": " + value + b"\r\n")
    if close:
        parts.append(b"Content-Length: %d\r\nConnection: close\r\n\r\n" % len(body))
    else:
        parts.append(b"Content-Length: %d\r\n\r\n" % len(body))
    parts.append(body)
    return b"".join(parts)


_ACCEPTED = render(*ACCEPTED)


class _Connection(asyncio.Protocol):
    """One runtime connection: parse requests, hand them to the :class:`RuntimeApi`, answer.

    Answers go out in request order, each read's answers in one write. A runtime may pipeline
    (the project's Node.js bootstrap sends its answer and the next ``/next`` together): the
    answers to requests sent before a ``/next`` that waits for an event are then written with
    that event, so the runtime, already waiting for it, wakes once per invocation, not twice.
    """

    def __init__(self, api: RuntimeApi, server: RuntimeApiServer) -> None:
        self.api = api
        self.server = server
        self.parser = httptools.HttpRequestParser(self)
        self.transport: asyncio.Transport | None = None
        self._reset()
        #: Answers not written yet, in order (held while a ``/next`` of this connection waits).
        self._out: list[bytes] = []
        #: Answers to requests that came after the waiting ``/next`` (HTTP/1.1 keeps the order).
        self._behind: list[bytes] = []
        self._parked = False
        self._parsing = False
        self._deliver = self.deliver  # one bound method, so the api can tell it by identity
        self._fd = -1
        self._poller: Any = None

    def _reset(self) -> None:
        self.url = b""
        self.headers: dict[bytes, bytes] = {}
        self.body: list[bytes] = []
        self.size = 0

    # -- asyncio.Protocol ---------------------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]
        self.server.connections.add(self)
        sock = transport.get_extra_info("socket")
        if sock is not None:
            self._fd = sock.fileno()
            self._poller = select.poll()
            self._poller.register(self._fd, select.POLLIN)

    def data_received(self, data: bytes) -> None:
        self._parsing = True
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserError:
            self._out.extend(self._behind)
            self._out.append(render(400, [], b'{"errorMessage":"bad request","errorType":"BadRequest"}',
                                    close=True))
            self._parked = False
            self.api.unpark(self._deliver)  # no event goes to a connection being closed
            self._flush()
            if self.transport is not None:
                self.transport.close()
            return
        finally:
            self._parsing = False
        if self._out and not self._parked:
            self._flush()

    def connection_lost(self, exc: Exception | None) -> None:
        self.server.connections.discard(self)
        self.transport = None
        self._fd = -1
        self._poller = None
        if self.server.answering is self:
            self.server.answering = None
        self.api.unpark(self._deliver)

    def wait(self, answered: asyncio.Future[Any], timeout: float) -> bool:
        """Block the loop's thread up to ``timeout`` seconds for the runtime's answer, reading
        and handling it here (a poll on the socket: no loop turn, no task step); True once
        ``answered`` is done. Whatever comes later is read by the loop as usual."""
        end = time.monotonic() + timeout
        while not answered.done():
            poller, transport = self._poller, self.transport
            if poller is None or transport is None or transport.is_closing():
                return False
            left = end - time.monotonic()
            if left <= 0 or not poller.poll(left * 1000):
                return False
            try:
                data = os.read(self._fd, 262144)
            except (BlockingIOError, InterruptedError):
                continue
            except OSError:  # reset: the loop's own read reports it
                return False
            if not data:  # end of stream: left for the loop to see
                return False
            self.data_received(data)
        return True

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
        url = self.url
        # A runtime's URLs are plain paths: parse only what has a query, a fragment or a host.
        plain = url[:1] == b"/" and b"?" not in url and b"#" not in url
        path = (url if plain else httptools.parse_url(url).path).decode()
        body, too_large, headers = b"".join(self.body), self.size > MAX_PAYLOAD_SIZE, self.headers
        self._reset()
        answer = self.api.handle(method, path, body, too_large, headers, self._deliver)
        if answer is None:
            self._parked = True
            return
        data = _ACCEPTED if answer is ACCEPTED else render(*answer)
        (self._behind if self._parked else self._out).append(data)

    # -- writing ------------------------------------------------------------------------------

    def deliver(self, answer: Answer) -> None:
        """The answer of this connection's waiting ``/next`` (an event, or the instance's end)."""
        self.server.answering = self
        self._parked = False
        self._out.append(render(*answer))
        if self._behind:
            self._out.extend(self._behind)
            self._behind.clear()
        if not self._parsing:
            self._flush()

    def _flush(self) -> None:
        out = self._out
        data = out[0] if len(out) == 1 else b"".join(out)
        out.clear()
        if self.transport is not None and not self.transport.is_closing():
            self.transport.write(data)

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
        #: The connection that was handed the latest event (where its answer will come).
        self.answering: _Connection | None = None
        self._server: Any = None

    def wait(self, answered: asyncio.Future[Any], timeout: float) -> bool:
        """Block up to ``timeout`` seconds for the answer to the event just handed out (see
        :meth:`_Connection.wait`); True once ``answered`` is done."""
        connection = self.answering
        return connection is not None and connection.wait(answered, timeout)

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
