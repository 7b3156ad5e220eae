"""Choosing upstream targets: round robin (ALB, Cloud Map), per connection (NLB), and health.

Health is a passive check, documented here: a target that refuses a connection (or cannot be
connected to) is taken out of rotation for :data:`DOWN_FOR` seconds and the request moves on to
the next target (safe: nothing was sent). When every target is out of rotation they are all tried
anyway, so a target that comes back is found at once; when none accepts, the gateway answers 503
``{"message":"Service Unavailable"}`` (an ALB answers its own 502: ``alb.py``). Targets that
accept but answer slowly or break stay in rotation (AWS's health checks would catch them later;
a test sees 504/502 for those requests).
"""

from __future__ import annotations

import itertools
import time
from collections import OrderedDict
from collections.abc import Callable

Endpoint = tuple[str, int]

#: Seconds a refusing target stays out of rotation.
DOWN_FOR = 10.0
#: Client connections remembered by the per-connection balancer.
MAX_CONNECTIONS = 4096


class Health:
    """Which targets are out of rotation, until when."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        #: Targets out of rotation → until when (empty, the usual case, is checked inline).
        self.down: dict[Endpoint, float] = {}
        self._clock = clock

    def mark_down(self, endpoint: Endpoint) -> None:
        self.down[endpoint] = self._clock() + DOWN_FOR

    def mark_up(self, endpoint: Endpoint) -> None:
        self.down.pop(endpoint, None)

    def healthy(self, endpoint: Endpoint) -> bool:
        until = self.down.get(endpoint)
        if until is None:
            return True
        if until <= self._clock():
            del self.down[endpoint]
            return True
        return False

    def any_down(self) -> bool:
        """Whether some target is (or was until lately) out of rotation."""
        return bool(self.down)

    def order(self, endpoints: list[Endpoint]) -> list[Endpoint]:
        """``endpoints`` with the ones out of rotation moved to the end (tried last)."""
        up = [e for e in endpoints if self.healthy(e)]
        return up + [e for e in endpoints if e not in up]


class RoundRobin:
    """Each request goes to the next healthy target (ALB; Cloud Map instances)."""

    #: Whether :meth:`served` must hear of every answer (else only while a target is down).
    pins_connections = False

    def __init__(self) -> None:
        self.health = Health()
        self._counter = itertools.count()

    def candidates(self, endpoints: list[Endpoint], connection: tuple[str, int]) -> list[Endpoint]:
        """Healthy targets in rotation order (the rotation skips the unhealthy), then the rest."""
        if not self.health.down:  # the usual case: all in rotation
            if len(endpoints) < 2:  # nothing to rotate
                return endpoints
            start = next(self._counter) % len(endpoints)
            return endpoints[start:] + endpoints[:start]
        ordered = self.health.order(endpoints)
        up = sum(1 for e in ordered if self.health.healthy(e)) or len(ordered)
        if not up:
            return []
        start = next(self._counter) % up
        return ordered[start:up] + ordered[:start] + ordered[up:]

    def served(self, connection: tuple[str, int], endpoint: Endpoint) -> None:
        """``endpoint`` answered a request of client ``connection``: it is healthy."""
        if self.health.down:
            self.health.mark_up(endpoint)


class PerConnection(RoundRobin):
    """Every request of one client connection goes to the same target (an NLB balances TCP
    connections, not requests); new connections are spread round robin."""

    pins_connections = True

    def __init__(self) -> None:
        super().__init__()
        self._pinned: OrderedDict[tuple[str, int], Endpoint] = OrderedDict()

    def candidates(self, endpoints: list[Endpoint], connection: tuple[str, int]) -> list[Endpoint]:
        pinned = self._pinned.get(connection)
        if pinned in endpoints and self.health.healthy(pinned):
            self._pinned.move_to_end(connection)
            return [pinned, *self.health.order([e for e in endpoints if e != pinned])]
        ordered = super().candidates(endpoints, connection)
        if ordered:
            self._pinned[connection] = ordered[0]
            if len(self._pinned) > MAX_CONNECTIONS:
                self._pinned.popitem(last=False)
        return ordered

    def served(self, connection: tuple[str, int], endpoint: Endpoint) -> None:
        """Pin ``connection`` to the target that actually served it."""
        super().served(connection, endpoint)
        self._pinned[connection] = endpoint
