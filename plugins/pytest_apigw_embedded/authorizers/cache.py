"""Authorizer result caching: keyed by identity-source values, kept for the TTL."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable

#: Entries kept per authorizer before the oldest are dropped.
MAX_ENTRIES = 10_000


class ResultCache:
    """``get``/``put`` Lambda authorizer results for ``ttl`` seconds (``ttl=0``: never kept)."""

    def __init__(self, ttl: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl = ttl
        self.clock = clock
        self._items: dict[tuple[str, ...], tuple[float, Any]] = {}

    def get(self, key: tuple[str, ...]) -> Any:
        """The cached result for ``key``, or ``None`` (missing or expired)."""
        if not self.ttl:
            return None
        hit = self._items.get(key)
        if hit is None:
            return None
        if hit[0] <= self.clock():
            del self._items[key]
            return None
        return hit[1]

    def put(self, key: tuple[str, ...], result: Any) -> None:
        """Keep ``result`` for ``ttl`` seconds."""
        if not self.ttl:
            return
        if len(self._items) >= MAX_ENTRIES:
            self._items.pop(next(iter(self._items)))
        self._items[key] = (self.clock() + self.ttl, result)
