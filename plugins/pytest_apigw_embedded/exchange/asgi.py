"""ASGI types and the request-body reader shared by the HTTP and WebSocket apps."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

#: HTTP API payload limit (``limits.md``).
MAX_PAYLOAD = 10 * 1024 * 1024

Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]


async def read_body(receive: Receive, limit: int = MAX_PAYLOAD) -> bytes | None:
    """The whole request body, or ``None`` when it exceeds ``limit`` bytes (the rest is still
    read, so the connection stays usable for the error answer)."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size <= limit:
            chunks.append(chunk)
        if not message.get("more_body"):
            break
    return b"".join(chunks) if size <= limit else None
