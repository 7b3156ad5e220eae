"""ASGI types and the request-body reader shared by the HTTP and WebSocket apps."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

#: HTTP API payload limit (``http-api-quotas``: "Payload size 10 MB"; ``docs/limits.md``).
MAX_PAYLOAD = 10 * 1024 * 1024

Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]


class ClientGone(Exception):
    """The client closed the connection before the whole request body arrived."""

    def __init__(self, received: int) -> None:
        super().__init__(f"the client closed the connection after {received} body byte(s), before "
                         "the whole body (Content-Length) arrived: nothing was invoked")
        self.received = received


async def read_body(receive: Receive, limit: int = MAX_PAYLOAD) -> bytes | None:
    """The whole request body, or ``None`` when it exceeds ``limit`` bytes (the rest is still
    read, so the connection stays usable for the error answer). :class:`ClientGone` when the
    client disconnects before the body is complete: a cut-short body never reaches a handler."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise ClientGone(size)
        chunk = message.get("body", b"")
        size += len(chunk)
        if size <= limit:
            chunks.append(chunk)
        if not message.get("more_body"):
            break
    return b"".join(chunks) if size <= limit else None
