"""What the gateway did with each request, kept so a failing test's report can show it.

Bounded, so a long session stays flat: each kept event's ``body`` and the handler's log text are
cut to a preview when recorded, the whole log keeps at most :data:`BYTE_BUDGET` bytes (the
oldest entries go first) and the plugin empties it at each test's teardown, once that test's
report is written.
"""

from __future__ import annotations

import json
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

#: How much of an event a report shows before cutting it.
EVENT_PREVIEW_CHARS = 4000
#: Characters of a body, of log text and of a traceback an entry keeps (the rest is cut).
KEEP_CHARS = 16_384
#: Bytes (roughly: characters kept) the whole log may hold before dropping its oldest entries.
BYTE_BUDGET = 16 * 1024 * 1024


def _cut_body(payload: dict[str, Any]) -> tuple[dict[str, Any], int]:
    """``payload`` with its ``body`` text cut to :data:`KEEP_CHARS` (a copy when cut), and the
    body characters kept."""
    body = payload.get("body")
    if not isinstance(body, str):
        return payload, 0
    if len(body) > KEEP_CHARS:
        body = _cut(body)
        payload = {**payload, "body": body}
    return payload, len(body)


def _cut(text: str, keep: int = KEEP_CHARS) -> str:
    if len(text) <= keep:
        return text
    return f"{text[:keep]}... ({len(text) - keep} more characters cut)"


@dataclass(slots=True)
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
    #: What the function returned (a Lambda integration), as it returned it.
    result: Any = None

    def trimmed(self) -> int:
        """Cut the event's and the result's body, the log text and the traceback to
        :data:`KEEP_CHARS` (event and result are copied, never changed: a handler may still hold
        them); the characters kept."""
        size = len(self.request_line)
        if self.error:
            size += len(self.error)
        event = self.event
        if event is not None:
            size += 2048  # the rest of a proxy event
            if isinstance(event, dict):
                body = event.get("body")
                if body.__class__ is str and (kept := len(body)) <= KEEP_CHARS:  # nothing to cut
                    size += kept
                elif body is not None:
                    self.event, kept = _cut_body(event)
                    size += kept
        result = self.result
        if result is not None:
            if isinstance(result, dict):
                body = result.get("body")
                if body.__class__ is str and (kept := len(body)) <= KEEP_CHARS:  # the usual
                    size += 512 + kept
                elif body is not None:
                    self.result, kept = _cut_body(result)
                    size += 512 + kept
                else:
                    size += 512
            elif isinstance(result, str):
                if len(result) > KEEP_CHARS:
                    self.result = result = _cut(result)
                size += len(result)
            else:
                size += 512
        if self.logs:
            text = "".join(self.logs)
            if len(text) > KEEP_CHARS:
                self.logs = [_cut(text)]
            size += sum(len(line) for line in self.logs)
        if self.traceback:
            self.traceback = _cut(self.traceback)
            size += len(self.traceback)
        return size

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
            lines.extend(_json_block("event the integration received:", self.event))
        if self.result is not None:
            lines.extend(_json_block("the handler returned:", self.result))
        if self.traceback:
            lines.append("  handler traceback:")
            lines.extend("    " + line for line in self.traceback.rstrip().splitlines())
        if self.logs:
            lines.append("  handler output (print, stderr, logging):")
            lines.extend("    " + line for line in "".join(self.logs).rstrip().splitlines())
        if self.access_log is not None:
            lines.append("  access log:")
            lines.append("    " + self.access_log)
        return "\n".join(lines)


class InvocationLog:
    """A thread-safe list of invocations; the plugin reads the slice made during each test."""

    def __init__(self, limit: int = 10_000, byte_budget: int = BYTE_BUDGET) -> None:
        self._items: deque[tuple[Invocation, int]] = deque()
        self._limit = limit
        self._budget = byte_budget
        self._bytes = 0
        self._lock = threading.Lock()
        self._added = 0
        #: Replaced, never changed in place: ``add`` reads it without copying.
        self._listeners: tuple[Callable[[Invocation], None], ...] = ()

    def add(self, invocation: Invocation) -> None:
        """Record one invocation, trimmed (the oldest are dropped past ``limit`` entries or the
        byte budget), and tell the listeners."""
        size = invocation.trimmed()
        with self._lock:
            items = self._items
            items.append((invocation, size))
            self._bytes += size
            self._added += 1
            if len(items) > self._limit or self._bytes > self._budget:
                while items and (len(items) > self._limit or self._bytes > self._budget):
                    self._bytes -= items.popleft()[1]
            listeners = self._listeners
        for listener in listeners:
            listener(invocation)

    def subscribe(self, listener: Callable[[Invocation], None]) -> Callable[[], None]:
        """Call ``listener(invocation)`` for every invocation added from now on (in the thread
        that adds it); returns the function that unsubscribes."""
        with self._lock:
            self._listeners = (*self._listeners, listener)

        def unsubscribe() -> None:
            with self._lock:
                if listener in self._listeners:
                    kept = list(self._listeners)
                    kept.remove(listener)
                    self._listeners = tuple(kept)

        return unsubscribe

    def clear(self) -> None:
        """Forget every kept invocation (marks taken before stay valid: they see nothing)."""
        with self._lock:
            self._items.clear()
            self._bytes = 0

    @property
    def size(self) -> tuple[int, int]:
        """``(entries, bytes)`` held now."""
        with self._lock:
            return len(self._items), self._bytes

    def mark(self) -> int:
        """A position to read from later with :meth:`since`."""
        with self._lock:
            return self._added

    def since(self, mark: int) -> list[Invocation]:
        """Invocations recorded after ``mark`` (those still kept)."""
        with self._lock:
            count = min(self._added - mark, len(self._items))
            return [item for item, _ in list(self._items)[len(self._items) - count:]] if count > 0 else []


#: The process-wide log every backend writes to.
LOG = InvocationLog()


def _json_block(title: str, value: Any) -> list[str]:
    """``title`` and ``value`` as indented JSON, cut at :data:`EVENT_PREVIEW_CHARS`."""
    text = json.dumps(value, indent=2, default=str)
    if len(text) > EVENT_PREVIEW_CHARS:
        text = text[:EVENT_PREVIEW_CHARS] + "\n... (cut)"
    return [f"  {title}", *("    " + line for line in text.splitlines())]


def report_section(invocations: list[Invocation], limit: int = 20) -> str:
    """Text for a pytest report section describing ``invocations``: every request of the test
    in order (the last ``limit``), the ones that failed marked."""
    failing = {id(i) for i in invocations if i.traceback or i.error or (i.status or 0) >= 500}
    shown = invocations[-limit:]
    header = f"{len(invocations)} request(s) reached the gateway during this test"
    if failing:
        header += f"; {len(failing)} failed in the gateway or the integration (marked ✗)"
    if len(shown) < len(invocations):
        header += f"; the last {len(shown)} are shown"
    return "\n\n".join([header, *(("✗ " if id(i) in failing else "") + i.describe() for i in shown)])
