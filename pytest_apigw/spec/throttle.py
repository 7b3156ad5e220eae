"""Throttling of a stage's routes (``aws-apigatewayv2.ThrottleSettings``; CloudFormation's
``DefaultRouteSettings`` / ``RouteSettings`` of ``AWS::ApiGatewayV2::Stage``).

AWS throttles with a token bucket per route: ``burst_limit`` requests may arrive at once, and
the bucket refills at ``rate_limit`` requests per second; a request finding it empty gets 429
``{"message":"Too Many Requests"}`` (``http-api-throttling.md``). A limit left out is the
account's (10,000 requests per second, burst 5,000: the quotas page).
"""

from __future__ import annotations

from pytest_apigw.errors import SpecError

#: The account-level limits that apply where a stage or route sets none (``limits.md``).
ACCOUNT_RATE_LIMIT = 10_000.0
ACCOUNT_BURST_LIMIT = 5_000


class ThrottleSettings:
    """``rate_limit`` (steady requests per second) and ``burst_limit`` (requests at once)."""

    def __init__(self, *, rate_limit: float | None = None, burst_limit: int | None = None) -> None:
        if rate_limit is not None and (
            isinstance(rate_limit, bool) or not isinstance(rate_limit, int | float) or rate_limit < 0
        ):
            raise SpecError("ThrottleSettings", f"rate_limit must be a number >= 0, got {rate_limit!r}")
        if burst_limit is not None and (
            isinstance(burst_limit, bool) or not isinstance(burst_limit, int) or burst_limit < 0
        ):
            raise SpecError("ThrottleSettings", f"burst_limit must be an int >= 0, got {burst_limit!r}")
        self.rate_limit = None if rate_limit is None else float(rate_limit)
        self.burst_limit = burst_limit

    @property
    def effective_rate(self) -> float:
        """Requests per second, the account's when not set."""
        return ACCOUNT_RATE_LIMIT if self.rate_limit is None else self.rate_limit

    @property
    def effective_burst(self) -> int:
        """The bucket's size, the account's when not set."""
        return ACCOUNT_BURST_LIMIT if self.burst_limit is None else self.burst_limit

    def __repr__(self) -> str:
        return f"ThrottleSettings(rate_limit={self.rate_limit!r}, burst_limit={self.burst_limit!r})"


def route_throttles(owner: str, value: object) -> dict[str, ThrottleSettings]:
    """``{route key: ThrottleSettings}`` validated (``RouteSettings`` by route key)."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise SpecError(
            owner, f"route_throttles must be a dict of route key -> ThrottleSettings, got {value!r}"
        )
    for key, settings in value.items():
        if not isinstance(key, str) or not key:
            raise SpecError(owner, f"route_throttles key {key!r} must be a route key such as 'GET /books'")
        if not isinstance(settings, ThrottleSettings):
            raise SpecError(owner, f"route_throttles[{key!r}] must be a ThrottleSettings, got {settings!r}")
    return dict(value)
