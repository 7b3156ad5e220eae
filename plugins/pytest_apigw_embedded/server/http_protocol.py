"""The lean HTTP/1.1 server of HTTP APIs: httptools' parser callbacks straight into a
:class:`~pytest_apigw_embedded.server.wire.WireRequest`, the app's coroutine run eagerly
(``eager.py``: a Task only when it waits), head and body written at once.

What it keeps from the uvicorn protocol it replaces (``protocol.py``, still serving WebSocket
APIs): header names as the client spelled them; the 10,240-byte request head limit (431); the
idle timeout (:data:`~pytest_apigw_embedded.server.limits.IDLE_TIMEOUT`) for a connection that
sends nothing or stops mid-request, the keep-alive timeout (:data:`KEEP_ALIVE`) between
requests; pipelined requests answered in order, one at a time; ``HEAD`` answered without the
body; chunked request bodies; ``Expect: 100-continue``; ``connection: close`` when the client
asked for it or spoke HTTP/1.0; uvicorn's answers to a malformed request (400) and to a WebSocket
upgrade, which HTTP APIs refuse (403); a graceful stop (:meth:`LeanServer.stop`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from email.utils import formatdate
from typing import Any

import httptools

from pytest_apigw_embedded.server import direct_write, drain, eager, head, limits
from pytest_apigw_embedded.server.wire import STATUS_LINES, WireApp, WireRequest, WireResponse, status_line

#: Seconds a keep-alive connection may stay silent between requests (uvicorn's default).
KEEP_ALIVE = 5.0
#: Complete requests queued behind the one being answered before reading pauses.
MAX_PIPELINED = 16
_LOG = logging.getLogger("pytest_apigw.embedded.server")
_BAD_REQUEST = b"Invalid HTTP request received."
_RESPONSE_400 = (STATUS_LINES[400] + b"content-type: text/plain; charset=utf-8\r\ncontent-length: "
                 + str(len(_BAD_REQUEST)).encode() + b"\r\nconnection: close\r\n\r\n" + _BAD_REQUEST)
_RESPONSE_500 = (STATUS_LINES[500] + b"content-type: text/plain; charset=utf-8\r\ncontent-length: 21\r\n"
                 b"connection: close\r\n\r\nInternal Server Error")
_CONTINUE = b"HTTP/1.1 100 Continue\r\n\r\n"
_HEADERS_GET = head.HEADERS.get
_TARGETS_GET = head.TARGETS.get
#: The method names as the parser gives them, decoded once.
_METHODS = {name.encode(): name for name in ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")}


def _forbidden_upgrade() -> bytes:
    """What uvicorn's WebSocket protocol answered a plain HTTP API's refused upgrade."""
    return (STATUS_LINES[403] + b"Date: " + formatdate(usegmt=True).encode() + b"\r\nConnection: close\r\n"
            b"Content-Length: 0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n")


class ServerState:
    """The live connections and in-flight Tasks of one listener (for a graceful stop)."""

    def __init__(self) -> None:
        self.connections: set[LeanHttpProtocol] = set()
        self.tasks: set[asyncio.Task[Any]] = set()


class LeanHttpProtocol(asyncio.Protocol):
    """One client connection of an HTTP API."""

    def __init__(self, app: WireApp, state: ServerState) -> None:
        self.app = app
        self.state = state
        self.loop = asyncio.get_running_loop()
        self.parser = httptools.HttpRequestParser(self)
        with contextlib.suppress(AttributeError):  # httptools < 0.6.3 has no leniencies
            # answer the first of pipelined requests even when the client closes after sending
            self.parser.set_dangerous_leniencies(lenient_data_after_close=True)
        self.transport: asyncio.Transport | None = None
        self._fd = -1  # the socket's descriptor: answers are written to it directly (direct_write)
        self.client: tuple[str, int] = ("127.0.0.1", 0)
        self.server_port = 0
        #: The request being received (head begun, message not complete).
        self.current: WireRequest | None = None
        self._url = b""
        self._head_size = 0
        self._head_too_big = False
        self._body: list[bytes] = []
        self._body_size = 0
        self._headers_done = False
        #: The head has a header the server reads itself (``head.NOTED``).
        self._noted = False
        #: What each request is made as (the app's :class:`WireRequest` subclass).
        self._request_type = app.request_type
        #: Whole requests waiting for their turn; ``busy`` while one is being answered.
        self.pipeline: deque[WireRequest] = deque()
        self.busy = False
        #: The request being answered (``busy``), and the bound method its answer goes to.
        self._answering: WireRequest | None = None
        # bound once (each request would make them anew)
        self._serve = app.serve
        self._answered = self._respond
        self._on_failure = self._failed
        self._closing = False
        self._reading_paused = False
        self._writing_paused = False
        self._dispatching = False
        #: Answers written while a read is handled, sent together when it ends.
        self._batch: list[bytes] | None = None
        # One timer per connection, moved lazily: a deadline (loop time) or None.
        self._deadline: float | None = None
        self._timer: asyncio.TimerHandle | None = None
        self._timer_at = 0.0

    # -------------------------------------------------------------------- connection events

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]  # uvloop's TCPTransport
        self._fd = direct_write.socket_fd(transport)
        self.state.connections.add(self)
        peer = transport.get_extra_info("peername")
        if peer:
            self.client = (peer[0], peer[1])
        sock = transport.get_extra_info("sockname")
        if sock:
            self.server_port = sock[1]
        self._expire_in(limits.IDLE_TIMEOUT)

    def connection_lost(self, exc: Exception | None) -> None:
        self.state.connections.discard(self)
        self._deadline = None
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        request = self.current
        if request is not None and self._headers_done and not request.upgrade:
            self.current = None
            try:
                self.app.abandoned(request, self._body_size)
            except Exception:  # noqa: BLE001 - a note that fails must not break the loop
                _LOG.exception("recording an abandoned request failed")
        self.pipeline.clear()

    def pause_writing(self) -> None:
        self._writing_paused = True

    def resume_writing(self) -> None:
        self._writing_paused = False
        self._next()

    def data_received(self, data: bytes) -> None:
        # What is answered while handling these bytes goes out in one write at the end, after
        # the bookkeeping: the client, woken by it, finds the loop about to let go of the GIL.
        self._batch = []
        try:
            self._deadline = None
            try:
                self.parser.feed_data(data)
            except httptools.HttpParserUpgrade:
                pass  # the upgrade request is queued (refused in turn); what follows it is ignored
            except httptools.HttpParserError:
                self._reject_malformed()
                return
            transport = self.transport
            if self.current is not None and transport is not None and not transport.is_closing():
                self._expire_in(limits.IDLE_TIMEOUT)  # a request is still arriving: silence is bounded
            if len(self.pipeline) > MAX_PIPELINED and not self._reading_paused and transport is not None:
                self._reading_paused = True
                transport.pause_reading()
            self._next()
        finally:
            self._flush()

    # -------------------------------------------------------------------- parser callbacks

    def on_message_begin(self) -> None:
        self.current = self._request_type(self.client, self.server_port)
        self._url = b""
        self._head_size = 16  # method, spaces and HTTP version: at most 16 bytes besides the URL
        self._body = []
        self._body_size = 0
        self._headers_done = False
        self._noted = False

    def on_url(self, url: bytes) -> None:
        self._head_size += len(url)  # may come in pieces: each is counted once
        if self._head_size > limits.MAX_REQUEST_HEAD:
            self._head_too_big = True
            raise limits.HeadTooBig
        self._url += url

    def on_header(self, name: bytes, value: bytes) -> None:
        line = (name, value)
        decoded = _HEADERS_GET(line) or head.decode_header(line)  # decoded once per distinct line
        self._head_size += decoded[2]
        if self._head_size > limits.MAX_REQUEST_HEAD:
            self._head_too_big = True
            raise limits.HeadTooBig
        request = self.current
        assert request is not None
        request.header_names.append(decoded[0])
        request.headers.append(decoded[1])
        if decoded[3]:
            self._noted = True

    def on_headers_complete(self) -> None:
        request = self.current
        assert request is not None
        parser = self.parser
        method = parser.get_method()
        request.method = _METHODS.get(method) or method.decode("ascii")
        self._headers_done = True
        # Keep-alive without a Connection (or Proxy-Connection) header is HTTP/1.1 (1.0 and 2.0
        # are kept alive only when a header says so): the request's defaults, nothing to ask.
        if (self._noted or not parser.should_keep_alive()) and self._hop_by_hop(request):
            return  # a WebSocket upgrade (refused in turn)
        target = _TARGETS_GET(self._url) or head.split_target(self._url)
        request.raw_path, request.query_string = target
        if request.expect_continue and not self.busy and not self.pipeline:
            self._write(_CONTINUE)
            request.expect_continue = False

    def _hop_by_hop(self, request: WireRequest) -> bool:
        """The general path of a head: its HTTP version and keep-alive from the parser, the
        headers the server reads (``Connection``, ``Upgrade``, ``Expect``); True for a WebSocket
        upgrade (marked ``upgrade``)."""
        parser = self.parser
        version = parser.get_http_version()
        request.http_version = version
        request.keep_alive = version != "1.0" and parser.should_keep_alive()
        connection: list[str] = []
        upgrade = None
        for name, value in request.headers:
            if name == "connection":
                connection = [token.strip().lower() for token in value.split(",")]
            elif name == "upgrade":
                upgrade = value.lower()
            elif name == "expect" and value.lower() == "100-continue":
                request.expect_continue = True
        if upgrade == "websocket" and "upgrade" in connection and parser.should_upgrade():
            request.upgrade = True
            return True
        return False

    def on_body(self, body: bytes) -> None:
        self._body_size += len(body)
        if self._body_size <= self.app.body_limit:
            self._body.append(body)
        elif self._body:
            self._body = []  # over the limit: read on, keep nothing

    def on_message_complete(self) -> None:
        request = self.current
        assert request is not None
        self.current = None
        if self._body_size > self.app.body_limit:
            request.too_large = True
        elif self._body:
            request.body = self._body[0] if len(self._body) == 1 else b"".join(self._body)
        self._body = []
        self.pipeline.append(request)

    # -------------------------------------------------------------------- answering

    def _next(self) -> None:
        """Answer queued requests in order while each is answered without waiting."""
        while not self.busy and self.pipeline and not self._writing_paused:
            transport = self.transport
            if transport is None or transport.is_closing():
                self.pipeline.clear()
                return
            request = self.pipeline.popleft()
            if request.upgrade:
                self._write(_forbidden_upgrade())
                self._close()
                return
            if request.expect_continue:
                self._write(_CONTINUE)  # its body arrived anyway: the client did not wait
            self.busy = True
            self._dispatching = True
            self._answering = request
            try:
                # several connections: other requests may come in this loop turn, so a
                # Lambda hand-off is gathered with theirs (``lambda_runtime/inprocess.py``)
                task = eager.start(self._serve(request), self._answered, self._on_failure,
                                   batch=len(self.state.connections) > 1, loop=self.loop)
            finally:
                self._dispatching = False
            if task is not None:
                self.state.tasks.add(task)
                task.add_done_callback(self.state.tasks.discard)
        if not self.busy and not self.pipeline:
            if self._reading_paused and self.transport is not None and not self.transport.is_closing():
                self._reading_paused = False
                self.transport.resume_reading()
            current = self.current
            if current is not None and current.expect_continue and self._headers_done:
                current.expect_continue = False
                self._write(_CONTINUE)
            if self._closing:
                self._close()
            elif current is None and self._deadline is None:
                self._expire_in(KEEP_ALIVE)

    def _respond(self, response: WireResponse) -> None:
        """The answer to the request being answered (``_answering``: one at a time)."""
        request = self._answering
        assert request is not None
        self._answering = None
        status, head, body = response
        keep_alive = request.keep_alive and not self._closing
        line = STATUS_LINES.get(status) or status_line(status)
        if request.method == "HEAD":
            body = b""
        if keep_alive:
            self._write(b"".join((line, head, b"\r\n", body)))
        else:
            self._write(b"".join((line, head, b"connection: close\r\n\r\n", body)))
        self.busy = False
        if not keep_alive:
            self._close()
        elif not self._dispatching:  # answered later (the app waited): go on with the queue
            self._next()

    def _failed(self, exc: BaseException) -> None:
        """The app raised (a bug, or cancelled at stop): uvicorn's plain 500, then close."""
        if not isinstance(exc, asyncio.CancelledError):
            _LOG.error("the HTTP API gateway failed on a request", exc_info=exc)
        self._write(_RESPONSE_500)
        self.busy = False
        self._answering = None
        self._close()

    def _reject_malformed(self) -> None:
        if self._head_too_big:
            self._write(limits.HEAD_TOO_BIG_RESPONSE)
        else:
            self._write(_RESPONSE_400)
        self.current = None
        self.pipeline.clear()
        self._close()

    def _write(self, data: bytes) -> None:
        if self._batch is not None:
            self._batch.append(data)
            return
        transport = self.transport
        if transport is not None and not transport.is_closing():
            direct_write.write(transport, self._fd, data)

    def _flush(self) -> None:
        """Write what was batched (and stop batching)."""
        batch, self._batch = self._batch, None
        if batch:
            transport = self.transport
            if transport is not None and not transport.is_closing():
                direct_write.write(transport, self._fd, batch[0] if len(batch) == 1 else b"".join(batch))

    def _close(self) -> None:
        self._flush()
        self._deadline = None
        if self.transport is not None and not self.transport.is_closing():
            self.transport.close()

    def shutdown(self) -> None:
        """Graceful stop: close now when idle, else after the answer being prepared."""
        self._closing = True
        self.pipeline.clear()
        if not self.busy:
            self._close()

    # -------------------------------------------------------------------- timeouts

    def _expire_in(self, seconds: float) -> None:
        """Close the connection after ``seconds`` unless the deadline is moved or cleared."""
        deadline = self.loop.time() + seconds
        self._deadline = deadline
        if self._timer is None or deadline < self._timer_at:
            if self._timer is not None:
                self._timer.cancel()
            self._timer_at = deadline
            self._timer = self.loop.call_at(deadline, self._on_timer)

    def _on_timer(self) -> None:
        self._timer = None
        deadline = self._deadline
        if deadline is None:
            return
        if self.loop.time() >= deadline - 0.001:
            self._close()
            return
        self._timer_at = deadline
        self._timer = self.loop.call_at(deadline, self._on_timer)


class LeanServer:
    """Serves one :class:`~pytest_apigw_embedded.server.wire.WireApp` on a listening socket."""

    def __init__(self, app: WireApp) -> None:
        self.app = app
        self.state = ServerState()
        self.server: asyncio.base_events.Server | None = None

    async def start(self, sock: Any) -> None:
        """Begin accepting on ``sock`` (bound, not yet listening)."""
        loop = asyncio.get_running_loop()
        self.server = await loop.create_server(
            lambda: LeanHttpProtocol(self.app, self.state), sock=sock, backlog=2048)

    async def stop(self, grace: float = 1.0) -> None:
        """Stop accepting; close idle connections, let in-flight answers finish for up to
        ``grace`` seconds, then cancel what is left and drop the connections."""
        if self.server is not None:
            self.server.close()
        for connection in list(self.state.connections):
            connection.shutdown()
        state = self.state
        await drain.wait_drained(lambda: bool(state.connections or state.tasks), grace)
        for task in list(self.state.tasks):
            task.cancel()
        for connection in list(self.state.connections):
            if connection.transport is not None:
                connection.transport.abort()
        if self.server is not None:
            await self.server.wait_closed()
