"""The pooled upstream HTTP client: keep-alive HTTP/1.1 on asyncio Protocols + ``httptools``.

One :class:`UpstreamClient` per backend (``services.shared``) keeps idle connections per
``(host, port, TLS context, server name)`` and reuses one only after a complete response that
allows keep-alive. Bodies are read whole (no streaming); ``Content-Length``, chunked and
close-delimited responses are understood, as are responses without a body (HEAD, 1xx, 204, 304).

No coroutine per exchange: :meth:`UpstreamClient.send` writes the request on a pooled connection
at once and returns a :class:`Waiter`, which the connection settles in its read callback; the
gateway's eager runner (``server/eager.py``) steps the waiting request on from there, so a proxied
request on a pooled connection needs no Task and no extra loop turn (only opening a connection
takes a Task). :meth:`UpstreamClient.request` is the same as a coroutine.

Why not aiohttp: on loopback keep-alive (uvloop) it cost ~4× what this client costs per request,
~40% of the gateway thread's time on a proxied request. Faults are exceptions ``forward`` maps:
:class:`ConnectFailed` (nothing accepted the connection), :class:`TlsFailed` (handshake or
certificate), :class:`Broken` (closed mid-response, reset, not HTTP) and ``TimeoutError``.
"""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import httptools

from pytest_apigw_embedded.bounded import remember
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
#: Header sets decoded so far (raw pairs → text), at most :data:`MAX_DECODED` (cleared when full:
#: a ``Date`` header makes a new set each second).
_DECODED: dict[tuple[tuple[bytes, bytes], ...], tuple[tuple[str, str], ...]] = {}
MAX_DECODED = 256


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


def encode_request(method: str, target: str, headers: list[tuple[str, str]], body: bytes) -> bytes:
    """The request head (and body) as bytes; ``content-length`` is added when there is a body or
    the method usually has one. Header text must not hold CR or LF (``ValueError``)."""
    return encode_fields(method, target, "".join([f"{k}: {v}\r\n" for k, v in headers]), len(headers), body)


def encode_fields(method: str, target: str, fields: str, count: int, body: bytes) -> bytes:
    """:func:`encode_request` of header lines already rendered (``fields``: ``count`` lines of
    ``name: value\r\n``)."""
    length = f"content-length: {len(body)}\r\n" if body or method not in _BODYLESS else ""
    text = f"{method} {target} HTTP/1.1\r\n{fields}{length}\r\n"
    lines = count + (3 if length else 2)
    if text.count("\n") != lines or text.count("\r") != lines:
        raise ValueError("CR or LF in an upstream request line or header")
    try:
        head = text.encode("latin-1")
    except UnicodeEncodeError:
        head = text.encode()
    return head + body if body else head


class Waiter(asyncio.Future[Response]):
    """One exchange's response (or fault). Resumable (``server/eager.py``): a request's
    coroutine waiting on it is stepped on right where the response completes (the connection's
    read callback), with no Task and no loop turn; a Task awaiting it is woken as usual."""

    eager_resumable = True
    #: Set by the eager runner while a coroutine waits on this future.
    resume: Callable[[], None] | None = None

    def wake(self) -> None:
        """Step on the coroutine waiting without a Task, if any (from a loop callback only)."""
        resume = self.resume
        if resume is not None:
            self.resume = None
            resume()


def _decoded(raw: list[tuple[bytes, bytes]]) -> list[tuple[str, str]]:
    """Header pairs as the parser gave them → lower-case names, latin-1 text (decoded once per
    distinct header set: an upstream answers with the same few)."""
    key = tuple(raw)
    try:
        return list(_DECODED[key])
    except KeyError:
        pass
    decoded = [(name.decode("latin-1").lower(), value.decode("latin-1")) for name, value in raw]
    remember(_DECODED, key, tuple(decoded), MAX_DECODED)
    return decoded


class _Connection(asyncio.Protocol):
    """One upstream connection; :meth:`exchange` sends a request whose response goes to a
    :class:`Waiter`. The connection settles its own exchanges, once the parser has taken a read
    (:meth:`data_received`): a whole response puts it back in the pool (or closes it) and then
    goes to the waiter; a fault drops it. The parser's callbacks only note what they see."""

    def __init__(self, client: UpstreamClient, key: PoolKey) -> None:
        self.client, self.key = client, key
        self.transport: asyncio.Transport | None = None
        self.parser = httptools.HttpResponseParser(self)
        self.waiter: Waiter | None = None
        self.closed = False
        self.keep_alive = False
        self.idle_since = 0.0
        self._head = self._fresh_parser = False
        #: The request in flight (sent again on a new connection if this reused one turns out
        #: closed before answering) and whether this connection came from the pool.
        self._data = b""
        self.reused = False
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
        #: The response's headers as parsed (bytes), its body pieces, its status once complete.
        self.headers: list[tuple[bytes, bytes]] = []
        self.body: list[bytes] = []
        self.body_size = 0
        self.status = 0
        self.received = self.headers_done = False

    def exchange(self, waiter: Waiter, data: bytes, head: bool, deadline: float, *, reused: bool) -> None:
        """Write ``data`` (a whole request); ``waiter`` gets the response, or a fault (a
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
        self.headers = []
        self.body = []
        self.body_size = self.status = 0
        self.received = self.headers_done = False
        self._head, self.keep_alive, self.reused, self._data = head, False, reused, data
        self.waiter = waiter
        assert self.transport is not None
        direct_write.write(self.transport, self.fd, data)

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
        self.deadline = None
        self.keep_alive = False
        waiter = self.waiter
        if self.transport is not None:
            self.transport.abort()
        if waiter is not None and not waiter.done():
            waiter.set_exception(TimeoutError())
            waiter.wake()

    def _fail(self, exc: Exception) -> None:
        """The exchange failed (woken by the caller): not reused, closed."""
        self.drop()
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
            if self.status:  # bytes after a whole response: it stands, the connection does not
                self.keep_alive = False
                self.close()
            else:
                self._fail(Broken(f"not an HTTP response: {exc}"))
        status = self.status
        if status and not waiter.done():  # a whole response: pool the connection, then answer
            self.status = 0
            self.deadline = None
            client = self.client
            idle = client._idle.get(self.key)
            if idle is None:
                idle = client._idle[self.key] = []
            transport = self.transport
            if self.keep_alive and len(idle) < MAX_IDLE and not self.closed and transport is not None \
                    and not transport.is_closing():
                self.idle_since = client.loop.time()
                self.waiter = None
                idle.append(self)
            else:
                self.close()
            body = self.body
            waiter.set_result((status, _decoded(self.headers), body[0] if len(body) == 1 else b"".join(body)))
        # After the parser is done with this read: the coroutine stepped on may send again on
        # this very connection.
        if waiter.done():
            waiter.wake()

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        deadline, self.deadline = self.deadline, None
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        self.client.forget(self)
        waiter = self.waiter
        if waiter is None or waiter.done():
            return
        framed = any(name.lower() in (b"content-length", b"transfer-encoding") for name, _ in self.headers)
        if exc is None and self.headers_done and not framed:  # close-delimited body
            waiter.set_result((self.parser.get_status_code(), _decoded(self.headers), b"".join(self.body)))
        elif not self.received:
            if self.reused:  # closed by the server while idle: once more, on a new connection
                self.client._send_new(waiter, self.key, self._data, self._head, deadline or 0.0)
                return
            waiter.set_exception(Broken(f"connection closed before a response ({exc or 'EOF'})"))
        else:
            waiter.set_exception(Broken(f"connection closed mid-response ({exc or 'EOF'})"))
        waiter.wake()

    # httptools callbacks
    def on_header(self, name: bytes, value: bytes) -> None:
        self.headers.append((name, value))

    def on_headers_complete(self) -> None:
        self.headers_done = True
        if self._head:
            status = self.parser.get_status_code()
            if status >= 200:  # HEAD: the headers are the whole response
                self.keep_alive = self.parser.should_keep_alive()
                self._fresh_parser = True
                self.status = status

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
        if self.status:  # a HEAD response, complete with its headers
            return
        status = self.parser.get_status_code()
        if status < 200 and status != 101:  # 100 Continue and friends: the answer follows
            self._reset()
            self.received = True
            return
        # a 101 was relayed as it is: the connection is not HTTP any more
        self.keep_alive = status != 101 and self.parser.should_keep_alive()
        self.status = status


class UpstreamClient:
    """Keep-alive connection pool and TLS contexts (cached by CA) of one backend, on its loop."""

    def __init__(self) -> None:
        self._idle: dict[PoolKey, list[_Connection]] = {}
        self._open: set[_Connection] = set()
        self._contexts: dict[str | None, ssl.SSLContext] = {}
        #: Tasks opening a connection for a waiting exchange.
        self._connecting: set[asyncio.Task[None]] = set()
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
        data = encode_request(method, target, headers, body)
        response: Response = await self.send((host, port, tls, server_hostname), data, head=method == "HEAD",
                                             timeout=timeout)
        return response

    def send(self, key: PoolKey, data: bytes, *, head: bool, timeout: float) -> Waiter:
        """Start sending ``data`` (a whole request, :func:`encode_request`) to ``key``'s
        ``(host, port, TLS context, server name)``; the returned future gets the whole response
        within ``timeout`` seconds (connecting included), or the fault. Await it right away
        (called in a coroutine on the loop): an idle connection is written to now."""
        loop = self.loop
        if loop is None:
            loop = self.loop = asyncio.get_running_loop()
        if timeout <= 0:
            raise TimeoutError
        waiter = Waiter(loop=loop)
        now = loop.time()
        deadline = now + timeout
        idle = self._idle.get(key)
        while idle:  # the most recently used idle connection first
            connection = idle.pop()
            if connection.open and now - connection.idle_since < IDLE_FOR:
                connection.exchange(waiter, data, head, deadline, reused=True)
                return waiter
            connection.close()
        self._send_new(waiter, key, data, head, deadline)
        return waiter

    def _send_new(self, waiter: Waiter, key: PoolKey, data: bytes, head: bool, deadline: float) -> None:
        """Send on a new connection (opened by a Task): the exchange goes on from there."""
        task = self.loop.create_task(self._open_and_send(waiter, key, data, head, deadline))
        self._connecting.add(task)
        task.add_done_callback(self._connecting.discard)

    async def _open_and_send(self, waiter: Waiter, key: PoolKey, data: bytes, head: bool,
                             deadline: float) -> None:
        try:
            connection = await self._connect(key, deadline)
        except BaseException as exc:
            if not waiter.done():
                waiter.set_exception(exc)
                self.loop.call_soon(waiter.wake)  # not from inside this Task: a loop callback
            if not isinstance(exc, Exception):
                raise
            return
        if waiter.done():  # cancelled meanwhile: nobody waits for an answer
            connection.close()
            return
        connection.exchange(waiter, data, head, deadline, reused=False)

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
        for task in list(self._connecting):
            task.cancel()
        for connection in list(self._open):
            connection.close()
        self._idle.clear()
        await asyncio.sleep(0)


def upstream_client(services: Services) -> UpstreamClient:
    """The backend's shared client (made once, closed with ``services``)."""
    return services.shared(UpstreamClient)
