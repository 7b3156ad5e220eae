"""Caches that stay flat: what the request path remembers per distinct header line, request
target, header set or request shape, in a dict that starts afresh once it is full (a session
sending many distinct heads, or an upstream's changing ``Date``, never grows it past a limit)."""

from __future__ import annotations

from typing import TypeVar

K = TypeVar("K")
V = TypeVar("V")


def remember(cache: dict[K, V], key: K, value: V, limit: int) -> V:
    """Keep ``value`` under ``key`` in ``cache``, emptied first when it holds ``limit`` entries;
    returns ``value``."""
    if len(cache) >= limit:
        cache.clear()
    cache[key] = value
    return value
