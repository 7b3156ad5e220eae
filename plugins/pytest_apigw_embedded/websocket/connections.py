"""Open connections of one deployed WebSocket API, by connection id.

A :class:`Connection` owns the ASGI ``send`` of its socket: every write (two-way answers,
``@connections`` posts, close) goes through one FIFO lock, so messages posted one after another
reach the client in that order. ``last_active_ms`` is what ``GET @connections`` reports and
what the idle timer reads.

A client that stops reading cannot hold a writer forever: a send (or close) that cannot be
written within :data:`SEND_TIMEOUT` seconds drops the connection (the ``abort`` callable the
server puts in the scope) and answers :class:`Gone`.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from pytest_apigw_embedded.exchange.asgi import Send

#: Seconds a write to a client may wait for the client to read. AWS documents no value; 10 s is
#: our choice (one line to change).
SEND_TIMEOUT = 10.0


class Gone(Exception):
    """The connection is closed (``GoneException``, 410)."""


class Connection:
    """One accepted client connection."""

    def __init__(self, connection_id: str, stage_name: str, send: Send, *, connected_at: int,
                 source_ip: str, user_agent: str, abort: Callable[[], None] | None = None) -> None:
        self.id = connection_id
        self._abort = abort
        self.stage_name = stage_name
        self._send = send
        self._lock = asyncio.Lock()
        self.connected_at = connected_at
        self.last_active_ms = connected_at
        self.last_active = time.monotonic()
        self.source_ip = source_ip
        self.user_agent = user_agent
        self.open = True
        #: Why the gateway closed it (code, reason), when it did.
        self.closed_by_gateway: tuple[int, str] | None = None

    def touch(self) -> None:
        """Mark activity now (resets the idle timer)."""
        self.last_active = time.monotonic()
        self.last_active_ms = time.time_ns() // 1_000_000

    async def send(self, data: str | bytes) -> None:
        """Send one message (text for ``str``, binary for ``bytes``); :class:`Gone` when closed."""
        message = {"type": "websocket.send", "bytes": data} if isinstance(data, bytes) \
            else {"type": "websocket.send", "text": data}
        async with self._lock:
            if not self.open:
                raise Gone(self.id)
            try:
                async with asyncio.timeout(SEND_TIMEOUT):  # no task per send, unlike wait_for
                    await self._send(message)
            except TimeoutError:
                self._drop(1006, f"the client read nothing for {SEND_TIMEOUT:g} s")
                raise Gone(self.id) from None
            except Exception as exc:  # uvicorn's ClientDisconnected, a closed transport
                self.open = False
                raise Gone(self.id) from exc
        self.touch()

    def _drop(self, code: int, reason: str) -> None:
        """Drop the TCP connection without a closing handshake (the client stopped reading)."""
        self.open = False
        self.closed_by_gateway = (code, reason)
        if self._abort is not None:
            self._abort()

    async def close(self, code: int = 1000, reason: str = "") -> bool:
        """Close from the gateway's side; False when it was already closed."""
        async with self._lock:
            if not self.open:
                return False
            self.open = False
            self.closed_by_gateway = (code, reason)
            try:
                async with asyncio.timeout(SEND_TIMEOUT):
                    await self._send({"type": "websocket.close", "code": code, "reason": reason})
            except TimeoutError:
                self._drop(code, reason)
            except Exception:  # the peer went away first: closed either way
                return True
        return True


class ConnectionRegistry:
    """Connection id → :class:`Connection` for one deployment (every stage)."""

    def __init__(self) -> None:
        self._by_id: dict[str, Connection] = {}

    def add(self, connection: Connection) -> None:
        """Register an accepted connection."""
        self._by_id[connection.id] = connection

    def remove(self, connection_id: str) -> None:
        """Forget a closed connection (idempotent)."""
        self._by_id.pop(connection_id, None)

    def get(self, connection_id: str, stage_name: str | None = None) -> Connection | None:
        """The open connection with this id (on ``stage_name`` when given), or ``None``."""
        connection = self._by_id.get(connection_id)
        if connection is None or not connection.open:
            return None
        if stage_name is not None and connection.stage_name != stage_name:
            return None
        return connection

    def all(self) -> list[Connection]:
        """Every registered connection."""
        return list(self._by_id.values())

    def __len__(self) -> int:
        return len(self._by_id)
