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
        self.handle_parser_exception()  # tells the app (disconnect 1009), sends the close, closes
        return True

    def handle_text(self, event: Any) -> None:
        if not self._frame_too_big(event):
            super().handle_text(event)

    def handle_bytes(self, event: Any) -> None:
        if not self._frame_too_big(event):
            super().handle_bytes(event)

    def handle_cont(self, event: Any) -> None:
        if not self._frame_too_big(event):
            super().handle_cont(event)
