"""Strategies for stage and route throttling (``ThrottleSettings``): small bursts and slow
rates, so a quick run of requests meets the limits."""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import strategies as st

#: The routes of the throttling case.
THROTTLED_ROUTES = ("GET /a", "GET /b", "POST /c")


@dataclass(frozen=True)
class Limits:
    """``rate`` requests per second, ``burst`` at once (both given, as CDK users usually do)."""

    rate: float
    burst: int


@dataclass(frozen=True)
class ThrottleSetup:
    """The stage's default limits (``None``: none) and per-route limits by route key."""

    stage: Limits | None
    routes: dict[str, Limits]


def limits() -> st.SearchStrategy[Limits]:
    """Rates of 0 to 2 per second, bursts of 0 to 4."""
    return st.builds(Limits, st.sampled_from([0.0, 0.5, 2.0]), st.integers(0, 4))


@st.composite
def throttle_setups(draw: st.DrawFn) -> ThrottleSetup:
    """Stage limits or none, and limits of their own for 0-2 routes."""
    stage = draw(st.one_of(st.none(), limits()))
    own = draw(st.lists(st.sampled_from(THROTTLED_ROUTES), max_size=2, unique=True))
    return ThrottleSetup(stage, {key: draw(limits()) for key in own})
