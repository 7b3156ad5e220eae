"""Throttling: a token bucket per stage and route, as ``http-api-throttling.md`` describes.

A route's own settings (``route_throttles``, CloudFormation's ``RouteSettings``) win over the
stage's (``throttle``, ``DefaultRouteSettings``). A bucket holds ``burst_limit`` tokens, refills
at ``rate_limit`` per second, and a request finding it empty is answered 429
``{"message":"Too Many Requests"}``. Routes with no settings are not throttled: the account's
limits (10,000 requests per second) are far above what a test sends.
"""

from __future__ import annotations

import time

from pytest_apigw.spec.stage import Stage
from pytest_apigw.spec.throttle import ThrottleSettings


class TokenBucket:
    """``capacity`` tokens, refilled continuously at ``rate`` per second."""

    __slots__ = ("capacity", "rate", "settings", "stamp", "tokens")

    def __init__(self, settings: ThrottleSettings) -> None:
        self.settings = settings
        self.capacity = float(settings.effective_burst)
        self.rate = settings.effective_rate
        self.tokens = self.capacity
        self.stamp = time.monotonic()

    def take(self) -> bool:
        """Spend one token if there is one."""
        now = time.monotonic()
        self.tokens = min(self.capacity, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return True
        return False


class Throttles:
    """The buckets of one deployment, by stage and route key."""

    def __init__(self) -> None:
        self._buckets: dict[tuple[str, str], TokenBucket] = {}

    def allow(self, stage: Stage, route_key: str) -> ThrottleSettings | None:
        """``None`` when the request may go on, else the settings that refused it."""
        settings = stage.route_throttles.get(route_key) or stage.throttle
        if settings is None:
            return None
        key = (stage.stage_name, route_key)
        bucket = self._buckets.get(key)
        if bucket is None or bucket.settings is not settings:  # new, or the spec changed
            bucket = self._buckets[key] = TokenBucket(settings)
        return None if bucket.take() else settings
