"""Hypothesis profiles of the conformance suite.

``ci`` (also what the suite uses when no profile is chosen): few examples, no deadline,
derandomized, no example database; ``thorough``: many examples and every health check but
``too_slow`` (deploying and calling real APIs is slow by nature). Choose with
``pytest --apigw --hypothesis-profile=thorough``.
"""

from __future__ import annotations

from hypothesis import HealthCheck, settings

_SLOW = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture]

settings.register_profile(
    "ci", max_examples=12, deadline=None, derandomize=True, database=None,
    suppress_health_check=_SLOW, print_blob=True,
)
settings.register_profile(
    "thorough", max_examples=400, deadline=None, suppress_health_check=_SLOW, print_blob=True,
)


def contract_settings(**overrides: object) -> settings:
    """Settings for a conformance test: the loaded profile, or ``ci`` when none was chosen
    (the suite runs inside users' sessions and must stay fast by default)."""
    chosen = settings.get_current_profile_name() != "default"
    base = settings.default if chosen else settings.get_profile("ci")
    return settings(base, **overrides)  # type: ignore[arg-type]
