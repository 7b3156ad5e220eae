"""What a deployment's own clients saw: one event per request sent through them.

``deployment.client()`` (httpx) reports each response; the WebSocket helpers
(``deployment.ws_connect()`` / ``ws_connect_async()``) report the handshake, each message sent and
the close. Listeners (route coverage on a backend that keeps no record of its own) subscribe with
``deployment.client_listeners.append(fn)``. A listener that raises is dropped from the report,
never from the test: observing must not change what the test sees.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal, TypeAlias

_log = logging.getLogger(__name__)

#: ``http``: a request and its response; ``connect``: a WebSocket handshake (101, or the status
#: that refused it); ``message``: a message sent on an open connection; ``disconnect``: the
#: client closed a connection it had opened.
EventKind: TypeAlias = Literal["http", "connect", "message", "disconnect"]


@dataclass(frozen=True)
class ClientEvent:
    """One thing a deployment's client did, as the client saw it."""

    kind: EventKind
    #: The URL requested (``http``, ``connect``): scheme, host, raw path (query included).
    url: str = ""
    #: The HTTP method (``http``).
    method: str | None = None
    #: The status the client got (``None`` where the client learns none: messages, disconnects).
    status: int | None = None
    #: Request headers that decide the route before routing (``origin`` and
    #: ``access-control-request-method`` of a CORS preflight), lower-case names.
    headers: tuple[tuple[str, str], ...] = ()
    #: A WebSocket message's text (``None`` for a binary message).
    message: str | None = None


Listener: TypeAlias = Callable[[ClientEvent], None]


def emit(listeners: list[Listener], event: ClientEvent) -> None:
    """Tell every listener about ``event`` (errors logged, not raised)."""
    for listener in list(listeners):
        try:
            listener(event)
        except Exception:  # observing must never fail the test
            _log.exception("pytest-apigw: a client-event listener failed on %r", event)
