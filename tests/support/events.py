"""Recording the events WebSocket handlers receive, with waits for events that arrive later."""

from __future__ import annotations

import threading
from collections.abc import Callable

#: How long a test waits for an event (seconds): generous, only a failing test waits it out.
WAIT = 10.0


class EventRecorder:
    """Thread-safe list of events; ``route(key)`` waits for an integration event of that route
    (authorizer events, which carry ``"type"``, are not integration events)."""

    def __init__(self) -> None:
        self.events: list[dict] = []
        self._cond = threading.Condition()

    def add(self, event: dict) -> None:
        """Record ``event`` and wake the waiters."""
        with self._cond:
            self.events.append(event)
            self._cond.notify_all()

    def handler(self, event: dict, context: object) -> dict:
        """A handler that records its event and answers 200."""
        self.add(event)
        return {"statusCode": 200}

    def wait_for(
        self, predicate: Callable[[dict], bool], timeout: float = WAIT, *, last: bool = False
    ) -> dict:
        """The first (or ``last``) recorded event matching ``predicate``, waiting up to ``timeout``."""
        with self._cond:
            assert self._cond.wait_for(lambda: any(predicate(e) for e in self.events), timeout), self.events
            found = [e for e in self.events if predicate(e)]
            return found[-1] if last else found[0]

    def route(self, key: str, timeout: float = WAIT, *, last: bool = False) -> dict:
        """The integration event of route ``key``."""
        return self.wait_for(
            lambda e: "type" not in e and e.get("requestContext", {}).get("routeKey") == key,
            timeout, last=last,
        )
