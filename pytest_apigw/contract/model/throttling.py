"""Throttling of HTTP API routes (``http-api-throttling.md``).

"API Gateway throttles requests to your API using the token bucket algorithm, where a token
counts for a request"; the burst "represents the target maximum number of concurrent request
submissions ... before returning 429 Too Many Requests"; route-level settings "override" the
stage's for "a specific stage or for individual routes" (``RouteSettings`` by route key over
``DefaultRouteSettings``): each route of a stage has its own bucket.

The model keeps, per route, the requests the gateway let through and the time of the first, and
bounds the bucket when a request arrives: at least ``burst - let through`` tokens (the bucket
starts full, refills never take tokens away), at most ``burst - let through + rate × elapsed``
(elapsed from before the route's first request was sent to after this one was answered) and
never more than ``burst``. At least one token: the request passes; less than one for sure:
429 ``{"message":"Too Many Requests"}`` (the status the page names; the body AWS's gateway
response); in between either is right. The page calls the limits "targets rather than
guaranteed request ceilings": a backend that is exact on a token bucket agrees with every
prediction, and the bounds leave room for the time a request spends on the wire.

Undocumented choices, named here: the bucket is full when the stage is deployed; a throttled
request never reaches the integration; a route with no limits of its own or from its stage is
not throttled (the account's 10,000 requests per second are far away).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pytest_apigw.contract.model.lambda_response import gateway_error

TOO_MANY_REQUESTS = gateway_error(429, "Too Many Requests")
#: What :meth:`ThrottleModel.predict` answers.
PASS, THROTTLED, EITHER = "passes", "throttled", "either"


@dataclass
class _Bucket:
    rate: float
    burst: int
    let_through: int = 0
    first_sent: float | None = None


@dataclass
class ThrottleModel:
    """The buckets of one stage: ``stage`` limits ``(rate, burst)`` or ``None``, ``routes``
    limits by route key."""

    stage: tuple[float, int] | None
    routes: dict[str, tuple[float, int]]
    _buckets: dict[str, _Bucket] = field(default_factory=dict)

    def _bucket(self, route_key: str) -> _Bucket | None:
        limits = self.routes.get(route_key) or self.stage
        if limits is None:
            return None
        if route_key not in self._buckets:
            self._buckets[route_key] = _Bucket(*limits)
        return self._buckets[route_key]

    def predict(self, route_key: str, sent: float, answered: float) -> tuple[str, str]:
        """``(PASS | THROTTLED | EITHER, why)`` for a request to ``route_key`` sent at ``sent``
        and answered at ``answered`` (``time.monotonic()``)."""
        bucket = self._bucket(route_key)
        if bucket is None:
            return PASS, "no limits"
        first = bucket.first_sent if bucket.first_sent is not None else sent
        low = bucket.burst - bucket.let_through
        high = min(bucket.burst, low + bucket.rate * (answered - first))
        why = (f"{route_key}: burst {bucket.burst}, rate {bucket.rate}/s, {bucket.let_through} let through: "
               f"{max(low, 0)} to {high:.2f} tokens")
        if low >= 1:
            return PASS, why
        return (THROTTLED if high < 1 else EITHER), why

    def observe(self, route_key: str, sent: float, throttled: bool) -> None:
        """Record what the backend did with the request (the next predictions build on it)."""
        bucket = self._bucket(route_key)
        if bucket is None:
            return
        if bucket.first_sent is None:
            bucket.first_sent = sent
        if not throttled:
            bucket.let_through += 1
