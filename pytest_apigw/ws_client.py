"""WebSocket clients for tests, on top of the ``websockets`` library (sync and asyncio).

``deployment.ws_connect()`` (a :class:`SyncClient`, a context manager) and
``deployment.ws_connect_async()`` (awaitable and an async context manager) open a connection to
a WebSocket deployment's stage; ``query=`` and ``headers=`` reach ``$connect``. A rejected
handshake raises :class:`websockets.exceptions.InvalidStatus` (``exc.response.status_code``).
Both add ``recv_json()`` and ``send_json()`` to the library's connection. Given ``listeners``
(a deployment's ``client_listeners``), both report the handshake, each message sent and the close
as :class:`~pytest_apigw.client_events.ClientEvent`.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

from pytest_apigw.client_events import ClientEvent, Listener, emit

#: Seconds a ``recv`` waits by default (tests should fail, not hang).
DEFAULT_TIMEOUT = 10.0
#: API Gateway's WebSocket frame size (32 KB): longer messages are sent as several frames, as
#: AWS requires of clients (a bigger frame closes the connection with 1009).
FRAME_BYTES = 32 * 1024


def frames(message: str | bytes) -> str | bytes | list[str] | list[bytes]:
    """``message`` itself when it fits one 32 KB frame, else its fragments (each ≤ 32 KB encoded)."""
    if isinstance(message, bytes):
        if len(message) <= FRAME_BYTES:
            return message
        return [message[i:i + FRAME_BYTES] for i in range(0, len(message), FRAME_BYTES)]
    step = FRAME_BYTES if message.isascii() else FRAME_BYTES // 4  # UTF-8: at most 4 bytes a char
    if len(message) <= step:
        return message
    return [message[i:i + step] for i in range(0, len(message), step)]


def stage_url(base: str, query: Any = None) -> str:
    """``base`` with ``query`` (a mapping, a list of pairs or a string) appended."""
    if not query:
        return base
    text = query if isinstance(query, str) else urlencode(query, doseq=True)
    return f"{base}{'&' if '?' in base else '?'}{text}"


def _refused_status(exc: BaseException) -> int | None:
    """The status of a refused handshake (``InvalidStatus``), ``None`` for any other failure."""
    response = getattr(exc, "response", None)
    status = getattr(response, "status_code", None)
    return status if isinstance(status, int) else None


class _Reporter:
    """The client events of one connection (nothing when there are no listeners)."""

    def __init__(self, url: str, listeners: list[Listener] | None) -> None:
        self.url = url
        self.listeners = listeners if listeners is not None else []
        self.open = False

    def connected(self) -> None:
        self.open = True
        if self.listeners:
            emit(self.listeners, ClientEvent("connect", self.url, status=101))

    def refused(self, exc: BaseException) -> None:
        status = _refused_status(exc)
        if self.listeners and status is not None:
            emit(self.listeners, ClientEvent("connect", self.url, status=status))

    def sent(self, message: str | bytes) -> None:
        if self.listeners and self.open:
            text = message if isinstance(message, str) else None
            emit(self.listeners, ClientEvent("message", self.url, message=text))

    def closed(self) -> None:
        if self.open:
            self.open = False
            if self.listeners:
                emit(self.listeners, ClientEvent("disconnect", self.url))


def _options(headers: Any, kwargs: dict[str, Any]) -> dict[str, Any]:
    options: dict[str, Any] = {"open_timeout": DEFAULT_TIMEOUT, "max_size": 16 * 1024 * 1024,
                               "ping_interval": None}
    if headers:
        options["additional_headers"] = headers
    options.update(kwargs)
    return options


class SyncClient:
    """A ``websockets.sync`` connection with JSON helpers and a default receive timeout."""

    def __init__(self, url: str, *, headers: Any = None, timeout: float = DEFAULT_TIMEOUT,
                 listeners: list[Listener] | None = None, **kwargs: Any) -> None:
        from websockets.sync.client import connect

        self.url = url
        self.timeout = timeout
        self._report = _Reporter(url, listeners)
        try:
            self.connection = connect(url, legacy=True, **_options(headers, kwargs))
        except Exception as exc:
            self._report.refused(exc)
            raise
        self._report.connected()

    def send(self, message: str | bytes) -> None:
        """Send a text (``str``) or binary (``bytes``) message (in 32 KB frames)."""
        self.connection.send(frames(message))
        self._report.sent(message)

    def send_json(self, value: Any) -> None:
        """Send ``value`` as a JSON text message."""
        self.send(json.dumps(value))

    def recv(self, timeout: float | None = None) -> str | bytes:
        """The next message (``TimeoutError`` past ``timeout``, default :attr:`timeout`)."""
        return self.connection.recv(self.timeout if timeout is None else timeout)

    def recv_json(self, timeout: float | None = None) -> Any:
        """The next message, parsed as JSON."""
        return json.loads(self.recv(timeout))

    def close(self, code: int = 1000, reason: str = "") -> None:
        """Close (waits for the closing handshake)."""
        try:
            self.connection.close(code, reason)
        finally:
            self._report.closed()

    @property
    def close_code(self) -> int | None:
        """The close code once closed (``1009`` for a message over 128 KB, ...)."""
        return self.connection.close_code

    def __iter__(self) -> Any:
        return iter(self.connection)

    def __enter__(self) -> SyncClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class AsyncClient:
    """An asyncio ``websockets`` connection with JSON helpers; ``await`` it or ``async with`` it."""

    def __init__(self, url: str, *, headers: Any = None, timeout: float = DEFAULT_TIMEOUT,
                 listeners: list[Listener] | None = None, **kwargs: Any) -> None:
        self.url = url
        self.timeout = timeout
        self._options = _options(headers, kwargs)
        self._report = _Reporter(url, listeners)
        self.connection: Any = None

    async def _open(self) -> AsyncClient:
        from websockets.asyncio.client import connect

        try:
            self.connection = await connect(self.url, **self._options)
        except Exception as exc:
            self._report.refused(exc)
            raise
        self._report.connected()
        return self

    def __await__(self) -> Any:
        return self._open().__await__()

    async def __aenter__(self) -> AsyncClient:
        return await self._open()

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def send(self, message: str | bytes) -> None:
        """Send a text (``str``) or binary (``bytes``) message (in 32 KB frames)."""
        await self.connection.send(frames(message))
        self._report.sent(message)

    async def send_json(self, value: Any) -> None:
        """Send ``value`` as a JSON text message."""
        await self.send(json.dumps(value))

    async def recv(self, timeout: float | None = None) -> str | bytes:
        """The next message (``TimeoutError`` past ``timeout``, default :attr:`timeout`)."""
        import asyncio

        return await asyncio.wait_for(self.connection.recv(), self.timeout if timeout is None else timeout)

    async def recv_json(self, timeout: float | None = None) -> Any:
        """The next message, parsed as JSON."""
        return json.loads(await self.recv(timeout))

    async def close(self, code: int = 1000, reason: str = "") -> None:
        """Close (waits for the closing handshake)."""
        if self.connection is not None:
            try:
                await self.connection.close(code, reason)
            finally:
                self._report.closed()

    @property
    def close_code(self) -> int | None:
        """The close code once closed."""
        return self.connection.close_code if self.connection is not None else None


def management_client(endpoint_url: str, **kwargs: Any) -> Any:
    """A boto3 ``apigatewaymanagementapi`` client for a stage URL (``deployment.connections_client()``).

    Against AWS (``{id}.execute-api.{region}.amazonaws.com``) it signs with your credential
    chain in the API's region; against an emulator or LocalStack it uses your credentials when
    some are set, else LocalStack's test ones (nothing checks them there)."""
    import os
    from urllib.parse import urlsplit

    import boto3

    host = urlsplit(endpoint_url).hostname or ""
    options: dict[str, Any] = {}
    if host.endswith(".amazonaws.com") and ".execute-api." in host:
        options["region_name"] = host.split(".execute-api.")[1].split(".")[0]
    else:
        options["region_name"] = os.environ.get("AWS_DEFAULT_REGION") or os.environ.get("AWS_REGION") \
            or "us-east-1"
        if not os.environ.get("AWS_ACCESS_KEY_ID"):
            options.update(aws_access_key_id="test", aws_secret_access_key="test")
    options.update(kwargs)
    return boto3.client("apigatewaymanagementapi", endpoint_url=endpoint_url, **options)
