"""Hypothesis profiles of the conformance suite, scaled to what a deployment costs.

``apigw-ci`` (also what the suite uses when no profile is chosen): few examples, no deadline,
derandomized, no example database; ``apigw-thorough``: many examples and every health check but
``too_slow`` (deploying and calling real APIs is slow by nature); ``apigw-wiring``: the explicit
examples and one generated example of a few requests, for checking a backend's provisioning and
its declared gaps rather than the gateway's behaviour (this project's own run on MiniStack uses it;
the embedded run, with ``apigw-ci``, checks the behaviour). Choose with
``pytest --apigw --hypothesis-profile=apigw-thorough``. A project's
own ``ci``/``thorough`` profiles are left alone.

The embedded backend deploys in milliseconds; any other backend (LocalStack, MiniStack, AWS)
creates real resources through an API, so a deployment costs a second or more while a request
costs tens of milliseconds. On those backends the ``apigw-ci`` and ``apigw-thorough`` profiles draw fewer
examples (:data:`EXTERNAL_EXAMPLES`) and each generated deployment serves more generated
requests (:func:`per_deployment`): every case is checked exactly as on the embedded backend,
on fewer APIs; ``apigw-ci`` does not shrink a failure there (each step would redeploy). A profile
of your own is used as it is, on every backend.
"""

from __future__ import annotations

import importlib

from hypothesis import HealthCheck, Phase, settings

_SLOW = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture]

#: The suite's profiles, under names of their own: a project's own ``ci`` or ``thorough``
#: profile is never replaced.
CI = "apigw-ci"
THOROUGH = "apigw-thorough"
WIRING = "apigw-wiring"

settings.register_profile(
    CI, max_examples=12, deadline=None, derandomize=True, database=None,
    suppress_health_check=_SLOW, print_blob=True,
)
settings.register_profile(
    THOROUGH, max_examples=400, deadline=None, suppress_health_check=_SLOW, print_blob=True,
)
settings.register_profile(
    WIRING, max_examples=1, deadline=None, derandomize=True, database=None,
    suppress_health_check=_SLOW, print_blob=True, phases=[p for p in Phase if p is not Phase.shrink],
)

#: Hypothesis's own ``ci`` profile (the object it registers at import, before any conftest can
#: replace it), which it loads by itself in a CI environment (``CI=true``): not a choice of the
#: user's, so the suite scales as when no profile was chosen.
_HYPOTHESIS_CI = getattr(importlib.import_module("hypothesis._settings"), "CI", None)

#: The backend whose deployments cost nothing (every other one is "external").
EMBEDDED = "embedded"
#: Examples per property on an external backend, per profile of the suite.
EXTERNAL_EXAMPLES = {CI: 3, THOROUGH: 40, WIRING: 1}
#: How many requests (or scripted results) one generated deployment serves: (embedded, external).
PER_DEPLOYMENT = (4, 12)
#: The same, for the profiles that serve fewer (``apigw-wiring``: every case's wiring, each
#: deployment asked a few requests; its cases' explicit examples run first, as in every profile).
PROFILE_PER_DEPLOYMENT = {WIRING: (4, 5)}

_selected = {"backend": EMBEDDED}


def use_backend(name: str) -> None:
    """Scale the suite for backend ``name`` (the conformance conftest calls this at configure
    time, before the test modules, whose settings are fixed at import, are collected)."""
    _selected["backend"] = name


def external() -> bool:
    """True when the selected backend deploys through a real API (anything but embedded)."""
    return _selected["backend"] != EMBEDDED


def per_deployment() -> int:
    """Requests each generated deployment serves on the selected backend (and profile)."""
    embedded, other = PROFILE_PER_DEPLOYMENT.get(settings.get_current_profile_name(), PER_DEPLOYMENT)
    return other if external() else embedded


def contract_settings(*, waits: bool = False, **overrides: object) -> settings:
    """Settings for a conformance test: the loaded profile, or ``apigw-ci`` when none was chosen
    (the suite runs inside users' sessions and must stay fast by default); on an external
    backend the suite's own profiles draw :data:`EXTERNAL_EXAMPLES` examples. ``waits``: the
    case waits out real timeouts (about a second per slow request), so ``apigw-ci`` draws half
    its examples for it (its explicit examples still run first, in every profile)."""
    name = settings.get_current_profile_name()
    if name == "default" or (name == "ci" and settings.get_profile("ci") is _HYPOTHESIS_CI):
        name = CI
        base = settings.get_profile(CI)
    else:
        base = settings.default or settings.get_profile(name)
    # the ``gaps`` fixture is function-scoped on purpose: it gathers across a case's examples
    overrides.setdefault("suppress_health_check",
                         [*base.suppress_health_check, HealthCheck.function_scoped_fixture])
    if waits and name == CI and not external():
        overrides.setdefault("max_examples", max(1, base.max_examples // 2))
    if external() and name in EXTERNAL_EXAMPLES:
        overrides.setdefault("max_examples", EXTERNAL_EXAMPLES[name])
        if name == CI:
            # shrinking redeploys once per step: minutes on an external backend; the report
            # still prints the whole failing spec and request (``thorough`` shrinks)
            overrides.setdefault("phases", [p for p in Phase if p is not Phase.shrink])
    return settings(base, **overrides)  # type: ignore[arg-type]
