"""WebSocket limits of API Gateway (``limits.md``), configurable for tests.

AWS: message payload 128 KB (a bigger message closes the connection with 1009), idle timeout
10 minutes, connection duration 2 hours. Change them per deployment through the gateway's
``limits`` attribute (``deployment.handle[1].limits``), or for the whole run with the variables
``PYTEST_APIGW_WS_IDLE_TIMEOUT`` / ``PYTEST_APIGW_WS_MAX_LIFETIME`` (seconds).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

#: Largest message a client may send and ``@connections`` may post (bytes).
MAX_MESSAGE_BYTES = 128 * 1024
#: Close code for a message that is too big (RFC 6455 "Message Too Big").
CLOSE_TOO_BIG = 1009
#: A binary frame from a client (``websocket-api-develop-binary-media-types.md``).
CLOSE_UNSUPPORTED = 1003
#: Close code for idle timeout, lifetime end and gateway shutdown ("Going Away").
CLOSE_GOING_AWAY = 1001
IDLE_TIMEOUT = 600.0
MAX_LIFETIME = 2 * 3600.0


def _env_seconds(name: str, default: float) -> float:
    value = os.environ.get(name)
    try:
        return float(value) if value else default
    except ValueError:
        return default


@dataclass
class Limits:
    """The limits one deployment enforces (read at each connection's start)."""

    max_message_bytes: int = MAX_MESSAGE_BYTES
    idle_timeout: float = field(
        default_factory=lambda: _env_seconds("PYTEST_APIGW_WS_IDLE_TIMEOUT", IDLE_TIMEOUT))
    max_lifetime: float = field(
        default_factory=lambda: _env_seconds("PYTEST_APIGW_WS_MAX_LIFETIME", MAX_LIFETIME))

    def too_big(self, data: str | bytes) -> bool:
        """True when ``data`` (a message) is over :attr:`max_message_bytes`."""
        if isinstance(data, str):
            # UTF-8 is at most 4 bytes per character: skip the encode for small messages.
            if len(data) * 4 <= self.max_message_bytes:
                return False
            return len(data.encode("utf-8", "surrogatepass")) > self.max_message_bytes
        return len(data) > self.max_message_bytes
