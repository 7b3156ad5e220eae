"""The authorizer, throttling, limit and timeout cases catch emulation bugs: each run below
injects one bug into the embedded backend (the pytester conftest patches it before the suite
runs) and the case that covers it must fail, printing the field that disagrees; the same
case passes without the bug.
"""

from __future__ import annotations

import textwrap

import pytest

from pytest_apigw import capabilities as cap
from tests.support.injection import injection_profiles

#: Bugs by name, patched into the embedded backend by the pytester conftest (``CONTRACT_BUGS``).
BUGGY_EMBEDDED = textwrap.dedent(
    '''
    import os

    import jwt

    from pytest_apigw_embedded.authorizers import cache, jwt_, lambda_
    from pytest_apigw_embedded.gateway import throttle

    BUGS = set(os.environ.get("CONTRACT_BUGS", "").split(","))
    GAPS = [name for name in os.environ.get("CONTRACT_GAPS", "").split(",") if name]
    if GAPS:  # the embedded backend declares gaps (as the localstack backend does on MiniStack)
        from pytest_apigw_embedded.backend import EmbeddedBackend

        EmbeddedBackend.capability_gaps = {name: "declared by the test" for name in GAPS}

    if "jwt_scopes_ignored" in BUGS:  # every token holds every scope
        jwt_.token_scopes = lambda claims: ["read", "write", "admin", "other"]

    if "jwt_exp_unchecked" in BUGS:  # expired tokens and tokens without exp accepted
        _decode = jwt.decode

        def _lenient(*args, **kwargs):
            kwargs["options"] = {**kwargs.get("options", {}), "verify_exp": False, "require": ["iss"]}
            return _decode(*args, **kwargs)

        jwt.decode = _lenient

    if "jwt_claims_typed" in BUGS:  # claims passed with their JSON types
        jwt_.claim_text = lambda value: value

    if "lambda_cache_off" in BUGS:  # results never cached
        cache.ResultCache.get = lambda self, key: None

    if "lambda_cache_one_key" in BUGS:  # every identity shares one cache entry
        _get, _put = cache.ResultCache.get, cache.ResultCache.put
        cache.ResultCache.get = lambda self, key: _get(self, ())
        cache.ResultCache.put = lambda self, key, result: _put(self, (), result)

    if "lambda_context_dropped" in BUGS:  # the integration never sees the authorizer's context
        _decide = lambda_.LambdaDecider.decide

        async def _no_context(self, *args, **kwargs):
            outcome = await _decide(self, *args, **kwargs)
            if outcome.status is None:
                outcome.v2, outcome.v1 = {"lambda": {}}, {}
            return outcome

        lambda_.LambdaDecider.decide = _no_context

    if "throttle_off" in BUGS:  # nothing is throttled
        throttle.Throttles.allow = lambda self, stage, route_key: None

    if "throttle_stage_only" in BUGS:  # route limits ignored, the stage's apply everywhere
        _allow = throttle.Throttles.allow

        class _NoRoutes:
            def __init__(self, stage):
                self.stage_name, self.throttle, self.route_throttles = stage.stage_name, stage.throttle, {}

        throttle.Throttles.allow = lambda self, stage, route_key: _allow(self, _NoRoutes(stage), route_key)

    if "upstream_timeout_502" in BUGS:  # a slow upstream answered 502 instead of 504
        from pytest_apigw_embedded.exchange import responses
        from pytest_apigw_embedded.integrations.upstream import forward

        forward.TIMED_OUT = lambda: responses.error(502, "Bad Gateway")

    if "head_limit_off" in BUGS:  # no limit on the request head
        from pytest_apigw_embedded.server import limits

        limits.MAX_REQUEST_HEAD = 10**9

    if "payload_limit_in_kib" in BUGS:  # the 10 MB limit read as 10 KiB
        from pytest_apigw_embedded.exchange import asgi
        from pytest_apigw_embedded.gateway import http_app

        asgi.read_body.__defaults__ = (10 * 1024,)  # the ASGI path
        http_app.HttpGateway.body_limit = 10 * 1024  # the wire server's

    if "drop_integration_timeouts" in BUGS:  # provisioning: every integration gets AWS's 30 s
        import copy

        from pytest_apigw_embedded.backend import EmbeddedBackend

        _deploy = EmbeddedBackend.deploy

        def _provision(self, api, *, stage=None):
            provisioned = copy.deepcopy(api)
            for route in getattr(provisioned, "routes", {}).values():
                if hasattr(route.integration, "timeout"):
                    route.integration.timeout = 30.0
            return _deploy(self, provisioned, stage=stage)

        EmbeddedBackend.deploy = _provision
    '''
)

#: Enough examples to meet each bug, no shrinking (the report prints the whole case). 60, not
#: 40: Hypothesis draws values from the string and number literals of every loaded local module
#: (its "local constants"), so any new module of the suite shifts what a derandomized run
#: generates; with 40, adding the access-log case left ``jwt_exp_unchecked`` unmet.
INJECTION_PROFILE = injection_profiles(max_examples=60)

JWT = "test_jwt_authorizers.py"
LAMBDA = "test_lambda_authorizers.py"
THROTTLING = "test_throttling.py"
TIMEOUTS = "test_timeouts.py"
LIMITS = "test_limits.py"


def _run(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, case: str | list[str], bug: str,
         gaps: str = "", profile: str = "injection") -> pytest.RunResult:
    pytester.makeconftest(BUGGY_EMBEDDED + INJECTION_PROFILE)
    monkeypatch.setenv("CONTRACT_BUGS", bug)
    monkeypatch.setenv("CONTRACT_GAPS", gaps)
    return pytester.runpytest_subprocess("--apigw", "-p", "no:randomly", f"--hypothesis-profile={profile}",
                                         "-rfx", *([case] if isinstance(case, str) else case), timeout=300)


CASES = [JWT, LAMBDA, THROTTLING, TIMEOUTS, LIMITS]

#: (case, bug, what the failure shows). Bugs of different cases share a run (a wave below):
#: each bug reaches only its own case's capability, so every case must fail on its own field.
BUGS = [
    (JWT, "jwt_scopes_ignored", "*status: model 403, observed 200*"),
    (JWT, "jwt_exp_unchecked", "*status: model 401, observed [24]0[03]*"),
    (JWT, "jwt_claims_typed", "*requestContext.authorizer*claims.*: model '*', observed *"),
    (LAMBDA, "lambda_cache_off", "*requestContext.authorizer.invocation: model *request *"),
    (LAMBDA, "lambda_cache_one_key", "*Lambda authorizer: *"),
    (LAMBDA, "lambda_context_dropped", "*requestContext.authorizer.*decided: model *, observed <missing>*"),
    (THROTTLING, "throttle_off", "*status: model 429, observed 200*"),
    (THROTTLING, "throttle_stage_only", "*throttling: *"),
    (TIMEOUTS, "upstream_timeout_502", "*status: model 504, observed 502*"),
    (TIMEOUTS, "drop_integration_timeouts", "*status: model 50[34], observed 200*"),
    (LIMITS, "head_limit_off", "*status: model 431, observed 200*"),
    (LIMITS, "payload_limit_in_kib", "*status: model 200, observed 413*"),
]


def _waves() -> list[list[tuple[str, str, str]]]:
    """The bugs in runs of at most one bug per case (the n-th bug of every case together)."""
    per_case: dict[str, list[tuple[str, str, str]]] = {}
    for entry in BUGS:
        per_case.setdefault(entry[0], []).append(entry)
    depth = max(len(entries) for entries in per_case.values())
    return [[entries[i] for entries in per_case.values() if i < len(entries)] for i in range(depth)]


def test_without_a_bug_every_case_passes(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    """Control: the same run with no bug (under the suite's default profile) passes every case."""
    _run(pytester, monkeypatch, CASES, "", profile="apigw-ci").assert_outcomes(passed=len(CASES))


@pytest.mark.parametrize("wave", _waves(), ids=lambda wave: "+".join(bug for _, bug, _ in wave))
def test_injected_emulation_bugs_fail_their_cases(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch,
                                                  wave: list[tuple[str, str, str]]) -> None:
    """Each bug of the wave fails the case covering it, on the field it concerns."""
    result = _run(pytester, monkeypatch, [case for case, _, _ in wave], ",".join(bug for _, bug, _ in wave))
    result.assert_outcomes(failed=len(wave))
    out = result.stdout.str()
    for case, bug, shown in wave:
        assert f"FAILED {case}::" in out, f"{bug}: {case} did not fail"
        result.stdout.fnmatch_lines([shown])


def test_a_declared_gap_excuses_its_fields_and_nothing_else(pytester: pytest.Pytester,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """MiniStack's JWT gap declared (claims with their JSON types, scopes sorted): claims passed
    typed end xfail naming the gap and the claim fields; scopes ignored (every token allowed on
    scoped routes) still fail, on the status, beside the same declared gap."""
    gap = cap.AUTHORIZER_JWT_DETAILS
    result = _run(pytester, monkeypatch, JWT, "jwt_claims_typed", gaps=gap)
    result.assert_outcomes(xfailed=1)
    result.stdout.fnmatch_lines([f"*{gap}: declared by the test (differed: requestContext.authorizer*"])
    result = _run(pytester, monkeypatch, JWT, "jwt_claims_typed,jwt_scopes_ignored", gaps=gap)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*status: model 403, observed 200*"])


def test_throttling_a_backend_lacks_is_judged_per_field(pytester: pytest.Pytester,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """A backend that throttles nothing and says so (MiniStack): the throttling case still runs,
    every answer it predicts as passing is checked, and it ends xfail on the refusal fields only."""
    result = _run(pytester, monkeypatch, THROTTLING, "throttle_off", gaps=cap.THROTTLING)
    result.assert_outcomes(xfailed=1)
    result.stdout.fnmatch_lines([f"*{cap.THROTTLING}: declared by the test (differed: body, status)*"])
