"""What the gateway did with each request, kept so a failing test's report can show it."""

from __future__ import annotations

import json
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

#: How much of an event a report shows before cutting it.
EVENT_PREVIEW_CHARS = 4000


@dataclass
class Invocation:
    """One request through a deployment: the route it matched, the event, the outcome."""

    api_id: str
    stage: str
    request_line: str
    route_key: str | None = None
    integration: str | None = None
    event: Any = None
    status: int | None = None
    error: str | None = None
    traceback: str | None = None
    logs: list[str] = field(default_factory=list)
    duration_ms: float | None = None
    #: The ``apigw-requestid`` the client received (``$context.requestId``).
    request_id: str | None = None
    #: ``True`` when the route's authorizer allowed the request, ``False`` when it refused it,
    #: ``None`` when no authorizer ran.
    authorized: bool | None = None
    #: How long the integration took (``$context.integrationLatency``), when it ran.
    integration_latency_ms: float | None = None
    #: The integration's own status (``$context.integrationStatus``): Lambda's invoke status
    #: (200 once invoked, whatever the function answered) or the upstream's HTTP status.
    integration_status: int | None = None
    #: The stage's access-log line for this request, when the stage has a format.
    access_log: str | None = None

    def describe(self) -> str:
        """A few readable lines: request → route → integration → status, then event and errors."""
        route = self.route_key or "(no route)"
        head = f"{self.request_line}  →  route {route!r}"
        if self.integration:
            head += f"  →  {self.integration}"
        head += f"  →  {self.status if self.status is not None else '?'}"
        if self.duration_ms is not None:
            head += f"  ({self.duration_ms:.1f} ms)"
        if self.request_id is not None:
            head += f"  [requestId {self.request_id}]"
        lines = [head]
        if self.error:
            lines.append(f"  gateway: {self.error}")
        if self.event is not None:
            text = json.dumps(self.event, indent=2, default=str)
            if len(text) > EVENT_PREVIEW_CHARS:
                text = text[:EVENT_PREVIEW_CHARS] + "\n... (cut)"
            lines.append("  event the integration received:")
            lines.extend("    " + line for line in text.splitlines())
        if self.traceback:
            lines.append("  handler traceback:")
            lines.extend("    " + line for line in self.traceback.rstrip().splitlines())
        if self.logs:
            lines.append("  handler log lines:")
            lines.extend("    " + line for line in "".join(self.logs).rstrip().splitlines())
        if self.access_log is not None:
            lines.append("  access log:")
            lines.append("    " + self.access_log)
        return "\n".join(lines)


class InvocationLog:
    """A thread-safe list of invocations; the plugin reads the slice made during each test."""

    def __init__(self, limit: int = 10_000) -> None:
        self._items: deque[Invocation] = deque(maxlen=limit)
        self._lock = threading.Lock()
        self._added = 0
        self._listeners: list[Callable[[Invocation], None]] = []

    def add(self, invocation: Invocation) -> None:
        """Record one invocation (the oldest are dropped past ``limit``) and tell the listeners."""
        with self._lock:
            self._items.append(invocation)
            self._added += 1
            listeners = list(self._listeners)
        for listener in listeners:
            listener(invocation)

    def subscribe(self, listener: Callable[[Invocation], None]) -> Callable[[], None]:
        """Call ``listener(invocation)`` for every invocation added from now on (in the thread
        that adds it); returns the function that unsubscribes."""
        with self._lock:
            self._listeners.append(listener)

        def unsubscribe() -> None:
            with self._lock:
                if listener in self._listeners:
                    self._listeners.remove(listener)

        return unsubscribe

    def mark(self) -> int:
        """A position to read from later with :meth:`since`."""
        with self._lock:
            return self._added

    def since(self, mark: int) -> list[Invocation]:
        """Invocations recorded after ``mark`` (those still kept)."""
        with self._lock:
            count = min(self._added - mark, len(self._items))
            return list(self._items)[len(self._items) - count:] if count > 0 else []


#: The process-wide log every backend writes to.
LOG = InvocationLog()


def report_section(invocations: list[Invocation], limit: int = 20) -> str:
    """Text for a pytest report section describing ``invocations`` (failures first)."""
    failing = [i for i in invocations if i.traceback or i.error or (i.status or 0) >= 500]
    shown = (failing or invocations)[-limit:]
    header = f"{len(invocations)} request(s) reached the gateway during this test"
    if failing:
        header += f"; {len(failing)} failed in the gateway or the integration"
    if len(shown) < len(failing or invocations):
        header += f"; the last {len(shown)} are shown"
    return "\n\n".join([header, *(i.describe() for i in shown)])
