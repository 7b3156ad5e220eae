"""uvicorn's sans-I/O WebSocket protocol with API Gateway's frame limit and a way to drop a
connection whose client stopped reading.

- A frame over :data:`MAX_FRAME_BYTES` (32 KB, "WebSocket frame size" in the WebSocket API
  quotas) closes the connection with 1009, as AWS does: a bigger message must be sent as several
  frames (the message limit, 128 KB, is the gateway's, ``websocket/limits.py``).
- The scope carries ``apigw.abort`` (:data:`ABORT_KEY`): a callable that drops the TCP connection
  at once, for a client that never reads (a ``send`` waiting for it would wait forever).
"""

from __future__ import annotations

from typing import Any

from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
from websockets.protocol import State

#: 32 KB frames (``apigateway-execution-service-websocket-limits-table``).
MAX_FRAME_BYTES = 32 * 1024
#: Close code for a frame or message over the limit (RFC 6455 "Message Too Big").
CLOSE_TOO_BIG = 1009
#: Seconds the gateway waits for the client's close frame after closing for a frame too big.
CLOSE_WAIT = 2.0
ABORT_KEY = "apigw.abort"


class LimitedWebSocketProtocol(WebSocketsSansIOProtocol):
    """Closes with 1009 on a frame over :data:`MAX_FRAME_BYTES`; exposes ``apigw.abort``."""

    def handle_connect(self, event: Any) -> None:
        super().handle_connect(event)
        scope = getattr(self, "scope", None)
        if scope is not None:  # the ASGI task starts later: it sees the key
            scope[ABORT_KEY] = self.abort

    def abort(self) -> None:
        """Drop the connection now (nothing more is written; the app sees a disconnect)."""
        if self.transport is not None and not self.transport.is_closing():
            self.transport.abort()

    def _frame_too_big(self, event: Any) -> bool:
        if len(event.data) <= MAX_FRAME_BYTES:
            return False
        self.frames = []
        if self.close_sent or self.conn.state is not State.OPEN:
            return True  # already closing: the frame is dropped
        self.conn.send_close(CLOSE_TOO_BIG, "Frame too big")
        self.queue.put_nowait({"type": "websocket.disconnect", "code": CLOSE_TOO_BIG,
                               "reason": "Frame too big"})
        self.transport.write(b"".join(self.conn.data_to_send()))
        self.close_sent = True
        # The closing handshake: keep reading (and dropping) what the client still sends until
        # its close frame. Closing the socket now, with the rest of the client's message unread,
        # makes the kernel answer with a reset that can destroy the close frame in flight (the
        # client then sees no 1009).
        self.close_timer = self.loop.call_later(CLOSE_WAIT, self.transport.close)
        return True

    def _dropped(self, event: Any) -> bool:
        """True when ``event`` (a data frame) must not reach the app: over the frame limit, or
        arriving after the gateway's close frame."""
        return self.close_sent or self._frame_too_big(event)

    def handle_text(self, event: Any) -> None:
        if not self._dropped(event):
            super().handle_text(event)

    def handle_bytes(self, event: Any) -> None:
        if not self._dropped(event):
            super().handle_bytes(event)

    def handle_cont(self, event: Any) -> None:
        if not self._dropped(event):
            super().handle_cont(event)
