"""Strategies for integration timeouts: short timeouts and delays clearly under or over them."""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import strategies as st

#: The routes of the timeout case: an HTTP proxy, a Lambda whose integration times out first,
#: a Lambda whose function times out first (a function timeout of 1 s, Lambda's least).
TIMED_ROUTES = ("GET /upstream", "GET /integration", "GET /function")
FUNCTION_TIMEOUT = 1.0


@dataclass(frozen=True)
class TimeoutSetup:
    """The integration timeouts (seconds) of the HTTP proxy and of the first Lambda route."""

    http: float
    lambda_: float


@dataclass(frozen=True)
class TimedRequest:
    """A request to ``route_key`` whose integration takes ``delay`` seconds."""

    route_key: str
    delay: float


def timeout_setups() -> st.SearchStrategy[TimeoutSetup]:
    """Integration timeouts of 0.5 or 1 s (a fast integration answers well within them)."""
    return st.builds(TimeoutSetup, st.sampled_from([0.5, 1.0]), st.sampled_from([0.5, 1.0]))


@st.composite
def timed_requests(draw: st.DrawFn, setup: TimeoutSetup) -> TimedRequest:
    """Mostly fast requests; slow ones 0.4 s past the limit (out of the model's margin)."""
    key = draw(st.sampled_from(TIMED_ROUTES))
    limit = {"GET /upstream": setup.http, "GET /integration": setup.lambda_}.get(key, FUNCTION_TIMEOUT)
    slow = draw(st.integers(0, 3)) == 0
    return TimedRequest(key, round(limit + 0.4, 2) if slow else 0.0)
