"""The pooled upstream HTTP client: keep-alive HTTP/1.1 on asyncio Protocols + ``httptools``.

One :class:`UpstreamClient` per backend (``services.shared``) keeps idle connections per
``(host, port, TLS context, server name)`` and reuses one only after a complete response that
allows keep-alive. Bodies are read whole (no streaming); ``Content-Length``, chunked and
close-delimited responses are understood, as are responses without a body (HEAD, 1xx, 204, 304).

Why not aiohttp: on loopback keep-alive (uvloop) it cost ~4× what this client costs per request,
~40% of the gateway thread's time on a proxied request. Faults are exceptions ``forward`` maps:
:class:`ConnectFailed` (nothing accepted the connection), :class:`TlsFailed` (handshake or
certificate), :class:`Broken` (closed mid-response, reset, not HTTP) and ``TimeoutError``.
"""

from __future__ import annotations

import asyncio
import ssl
from typing import TYPE_CHECKING, Any

import httptools

from pytest_apigw_embedded.server import direct_write

if TYPE_CHECKING:
    from pytest_apigw_embedded.services import Services

#: Seconds an idle connection may be reused (servers commonly close idle ones after 5 s).
IDLE_FOR = 4.0
#: Idle connections kept per key; more are closed when released.
MAX_IDLE = 32
#: Largest upstream response body relayed: HTTP APIs' 10 MB payload quota. A bigger one fails
#: the exchange (:class:`TooLarge`, a :class:`Broken`: the client gets 502) as soon as it passes
#: the limit, instead of being buffered whole.
MAX_RESPONSE_BYTES = 10 * 1024 * 1024
#: Methods that send no ``content-length`` when they have no body (the others send ``0``).
_BODYLESS = frozenset({"GET", "HEAD", "DELETE", "OPTIONS"})

PoolKey = tuple[str, int, "ssl.SSLContext | None", "str | None"]
#: Status, headers (lower-case names, latin-1 text, in order), body.
Response = tuple[int, list[tuple[str, str]], bytes]


class UpstreamError(Exception):
    """Base of the client's faults."""


class ConnectFailed(UpstreamError):
    """No connection: refused, unreachable (nothing was sent)."""


class TlsFailed(UpstreamError):
    """The TLS handshake failed (untrusted certificate, wrong name, ...)."""


class Broken(UpstreamError):
    """The upstream closed or reset the connection before a whole response, or spoke non-HTTP."""


class TooLarge(Broken):
    """The upstream's response body passed :data:`MAX_RESPONSE_BYTES`."""


class _Stale(Broken):
    """A connection closed before any byte of the response: a reused one may be retried."""


def encode_request(method: str, target: str, headers: list[tuple[str, str]], body: bytes) -> bytes:
    """The request head (and body) as bytes; ``content-length`` is added when there is a body or
    the method usually has one. Header text must not hold CR or LF (``ValueError``)."""
    lines = [f"{method} {target} HTTP/1.1", *[f"{k}: {v}" for k, v in headers]]
    if body or method not in _BODYLESS:
        lines.append(f"content-length: {len(body)}")
    text = "\r\n".join(lines) + "\r\n\r\n"
    if text.count("\n") != len(lines) + 1 or text.count("\r") != len(lines) + 1:
        raise ValueError("CR or LF in an upstream request line or header")
    try:
        head = text.encode("latin-1")
    except UnicodeEncodeError:
        head = text.encode()
    return head + body if body else head


class _Connection(asyncio.Protocol):
    """One upstream connection; :meth:`exchange` sends a request and resolves with the response."""

    def __init__(self, client: UpstreamClient, key: PoolKey) -> None:
        self.client, self.key = client, key
        self.transport: asyncio.Transport | None = None
        self.parser = httptools.HttpResponseParser(self)
        self.waiter: asyncio.Future[Response] | None = None
        self.closed = False
        self.keep_alive = False
        self.idle_since = 0.0
        self._head = self._fresh_parser = False
        #: The plain TCP socket's descriptor, written to directly (-1: TLS; ``direct_write``).
        self.fd = -1
        #: The exchange in flight must be answered by then (loop time), or ``None``.
        self.deadline: float | None = None
        # One timer per connection, moved lazily (successive exchanges' deadlines only grow,
        # so it fires about once per integration timeout, not once per request).
        self._timer: asyncio.TimerHandle | None = None
        self._timer_at = 0.0
        self._reset()

    def _reset(self) -> None:
        self.headers: list[tuple[str, str]] = []
        self.body: list[bytes] = []
        self.body_size = 0
        self.received = self.headers_done = self.framed = False

    def exchange(self, data: bytes, head: bool, deadline: float) -> asyncio.Future[Response]:
        """Write ``data`` (a whole request); the future gets the response, or a fault (a
        ``TimeoutError`` when there is none by ``deadline``, loop time)."""
        self.deadline = deadline
        if self._timer is None or deadline < self._timer_at:
            if self._timer is not None:
                self._timer.cancel()
            self._timer_at = deadline
            self._timer = self.client.loop.call_at(deadline, self._on_timer)
        if self._fresh_parser:  # a HEAD response left the parser expecting a body
            self.parser = httptools.HttpResponseParser(self)
            self._fresh_parser = False
        self._reset()
        self._head, self.keep_alive = head, False
        self.waiter = waiter = self.client.loop.create_future()
        assert self.transport is not None
        direct_write.write(self.transport, self.fd, data)
        return waiter

    @property
    def open(self) -> bool:
        """Connected and not closing (a closed transport learns of it only a callback later)."""
        return self.transport is not None and not self.closed and not self.transport.is_closing()

    def close(self) -> None:
        if self.transport is not None and not self.closed:
            self.transport.close()

    def drop(self) -> None:
        """The exchange failed: not reused, closed."""
        self.deadline = None
        self.keep_alive = False
        self.close()

    def _on_timer(self) -> None:
        self._timer = None
        deadline = self.deadline
        if deadline is None:  # no exchange in flight: nothing to time out
            return
        if self.client.loop.time() >= deadline - 0.001:
            self.expire()
            return
        self._timer_at = deadline  # a later exchange's deadline: wait for that one
        self._timer = self.client.loop.call_at(deadline, self._on_timer)

    def expire(self) -> None:
        """The deadline passed: fail the exchange with ``TimeoutError`` and drop the connection."""
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_exception(TimeoutError())
        self.keep_alive = False
        if self.transport is not None:
            self.transport.abort()

    def _fail(self, exc: Exception) -> None:
        self.keep_alive = False
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_exception(exc)

    # asyncio.Protocol
    def connection_made(self, transport: Any) -> None:
        self.transport = transport
        self.fd = direct_write.socket_fd(transport)

    def data_received(self, data: bytes) -> None:
        waiter = self.waiter
        if waiter is None or waiter.done():  # bytes nobody asked for: the connection is unusable
            self.keep_alive = False
            self.close()
            return
        self.received = True
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserUpgrade:
            self.keep_alive = False  # a 101 was relayed as it is; the connection is not HTTP now
            self.close()
        except httptools.HttpParserError as exc:
            self._fail(Broken(f"not an HTTP response: {exc}"))
            self.close()

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        self.client.forget(self)
        waiter = self.waiter
        if waiter is None or waiter.done():
            return
        if exc is None and self.headers_done and not self.framed:  # close-delimited body
            waiter.set_result((self.parser.get_status_code(), self.headers, b"".join(self.body)))
        elif not self.received:
            waiter.set_exception(_Stale(f"connection closed before a response ({exc or 'EOF'})"))
        else:
            waiter.set_exception(Broken(f"connection closed mid-response ({exc or 'EOF'})"))

    # httptools callbacks
    def on_header(self, name: bytes, value: bytes) -> None:
        key = name.decode("latin-1").lower()
        if key == "content-length" or key == "transfer-encoding":
            self.framed = True
        self.headers.append((key, value.decode("latin-1")))

    def on_headers_complete(self) -> None:
        self.headers_done = True
        status = self.parser.get_status_code()
        if self._head and status >= 200:  # HEAD: the headers are the whole response
            self.keep_alive = self.parser.should_keep_alive()
            self._fresh_parser = True
            if self.waiter is not None and not self.waiter.done():
                self.waiter.set_result((status, self.headers, b""))

    def on_body(self, body: bytes) -> None:
        if self.body_size > MAX_RESPONSE_BYTES:
            return  # already failed; the rest of this chunk is dropped
        self.body_size += len(body)
        if self.body_size > MAX_RESPONSE_BYTES:
            self.body.clear()
            self._fail(TooLarge(f"the response body passed {MAX_RESPONSE_BYTES} bytes (the HTTP API "
                                "payload limit)"))
            if self.transport is not None:
                self.transport.abort()
            return
        self.body.append(body)

    def on_message_complete(self) -> None:
        waiter = self.waiter
        if waiter is None or waiter.done():
            return
        status = self.parser.get_status_code()
        if status < 200 and status != 101:  # 100 Continue and friends: the answer follows
            self._reset()
            self.received = True
            return
        self.keep_alive = self.parser.should_keep_alive()
        waiter.set_result((status, self.headers, b"".join(self.body)))


class UpstreamClient:
    """Keep-alive connection pool and TLS contexts (cached by CA) of one backend, on its loop."""

    def __init__(self) -> None:
        self._idle: dict[PoolKey, list[_Connection]] = {}
        self._open: set[_Connection] = set()
        self._contexts: dict[str | None, ssl.SSLContext] = {}
        self.loop: asyncio.AbstractEventLoop = None  # type: ignore[assignment]  # set on first use

    def ssl_context(self, ca_pem: str | None) -> ssl.SSLContext:
        """Verifying context: the system's CAs plus ``ca_pem`` (a test's own CA) when given."""
        context = self._contexts.get(ca_pem)
        if context is None:
            context = ssl.create_default_context()
            if ca_pem:
                context.load_verify_locations(cadata=ca_pem)
            self._contexts[ca_pem] = context
        return context

    async def request(
        self, host: str, port: int, method: str, target: str, headers: list[tuple[str, str]],
        body: bytes, *, timeout: float, tls: ssl.SSLContext | None = None,
        server_hostname: str | None = None,
    ) -> Response:
        """Send one request (``target``: ``/path?query``; ``headers`` include ``host``) and read
        the whole response within ``timeout`` seconds (connecting included)."""
        if timeout <= 0:
            raise TimeoutError
        if self.loop is None:
            self.loop = asyncio.get_running_loop()
        data = encode_request(method, target, headers, body)
        key: PoolKey = (host, port, tls, server_hostname)
        deadline = self.loop.time() + timeout
        head = method == "HEAD"
        connection = self._take(key)
        fresh = connection is None
        while True:
            if connection is None:
                connection = await self._connect(key, deadline)
            try:
                response = await connection.exchange(data, head, deadline)
            except _Stale as exc:
                connection.drop()
                if fresh:
                    raise Broken(str(exc)) from None
                connection, fresh = None, True  # closed by the server while idle: once more, anew
                continue
            except BaseException:
                connection.drop()
                raise
            connection.deadline = None
            self._release(connection)
            return response

    def _take(self, key: PoolKey) -> _Connection | None:
        idle = self._idle.get(key)
        now = self.loop.time()
        while idle:
            connection = idle.pop()
            if connection.open and now - connection.idle_since < IDLE_FOR:
                return connection
            connection.close()
        return None

    def _release(self, connection: _Connection) -> None:
        idle = self._idle.setdefault(connection.key, [])
        if connection.keep_alive and connection.open and len(idle) < MAX_IDLE:
            connection.idle_since = self.loop.time()
            connection.waiter = None
            idle.append(connection)
        else:
            connection.close()

    async def _connect(self, key: PoolKey, deadline: float) -> _Connection:
        host, port, tls, server_hostname = key
        try:
            async with asyncio.timeout_at(deadline):
                _, connection = await self.loop.create_connection(
                    lambda: _Connection(self, key), host, port, ssl=tls,
                    server_hostname=(server_hostname or host) if tls is not None else None,
                )
        except ssl.SSLError as exc:
            raise TlsFailed(str(exc)) from exc
        except TimeoutError:
            raise
        except OSError as exc:
            raise ConnectFailed(exc.strerror or str(exc)) from exc
        self._open.add(connection)
        return connection

    def forget(self, connection: _Connection) -> None:
        """A connection closed: it is neither open nor idle any more."""
        self._open.discard(connection)
        idle = self._idle.get(connection.key)
        if idle is not None:
            if connection in idle:
                idle.remove(connection)
            if not idle:  # e.g. a test's upstream went away: forget its key too
                del self._idle[connection.key]

    async def aclose(self) -> None:
        """Close every connection (at backend close)."""
        for connection in list(self._open):
            connection.close()
        self._idle.clear()
        await asyncio.sleep(0)


def upstream_client(services: Services) -> UpstreamClient:
    """The backend's shared client (made once, closed with ``services``)."""
    return services.shared(UpstreamClient)
