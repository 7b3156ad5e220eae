"""The conformance cases catch emulation bugs: each run below injects bugs into the embedded
backend (``tests/support/injection.py``: a pytester ``conftest.py`` patches them before the suite
runs) and every case covering one must fail, its failure naming the field that disagrees; the
same cases pass without a bug (the control).

The runs use the ``injection`` profile: the cases' explicit examples only (the edge cases AWS
documents, ``pytest_apigw/contract/explicit.py``), so each bug is met whatever Hypothesis would
draw (its draws shift with every module the project adds: it mixes their literals in).
"""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass

import pytest

from pytest_apigw import capabilities as cap
from tests.support.injection import run_injected

JWT = "test_jwt_authorizers.py"
LAMBDA = "test_lambda_authorizers.py"
THROTTLING = "test_throttling.py"
TIMEOUTS = "test_timeouts.py"
LIMITS = "test_limits.py"
HEALTH = "test_target_health.py"
IMPORTED = "test_imported_templates.py"
ACCESS_LOGS = "test_access_logs.py"
WS_LIMITS = "test_websocket_limits.py"

#: The cases of each file run here, by the name pytest prints over a failure's report.
CASES = {
    JWT: ["test_jwt_authorizer_answers_and_claims"],
    LAMBDA: ["test_lambda_authorizer_answers_context_and_cache"],
    THROTTLING: ["test_throttling_refuses_past_the_token_bucket"],
    TIMEOUTS: ["test_slow_integrations_time_out"],
    LIMITS: ["test_request_size_limits"],
    HEALTH: [f"test_requests_spread_over_healthy_targets_only[{kind}]"
             for kind in ("alb", "nlb", "cloud_map")],
    IMPORTED: [f"{test}[{shape}]" for test in ("test_an_imported_template_serves_what_its_spec_predicts",
                                               "test_an_imported_cors_configuration_answers_as_configured")
               for shape in ("cloudformation", "openapi", "sam")],
    ACCESS_LOGS: ["test_access_log_lines_follow_the_stage_format"],
    WS_LIMITS: ["test_websocket_size_limits"],
}


@dataclass(frozen=True)
class Bug:
    """An injected bug: the case file covering it, which of its cases fail (``None``: all), and
    what each failure shows (fnmatch patterns, matched in that case's own report)."""

    name: str
    case: str
    shown: tuple[str, ...]
    failing: tuple[str, ...] | None = None

    @property
    def failed(self) -> list[str]:
        """The cases this bug fails."""
        return list(self.failing) if self.failing is not None else CASES[self.case]


BUGS = [
    Bug("jwt_scopes_ignored", JWT, ("*status: model 403, observed 200*",)),
    Bug("jwt_exp_unchecked", JWT, ("*status: model 401, observed 200*",)),
    Bug("jwt_claims_typed", JWT, ("*requestContext.authorizer.jwt.claims.n: model '42', observed 42*",)),
    Bug("lambda_cache_off", LAMBDA, ("*authorizer.invocation: model \"request 0's (*)\", observed *",)),
    Bug("lambda_cache_one_key", LAMBDA, ("*status: model 403, observed 200*",)),
    Bug("lambda_context_dropped", LAMBDA, ("*lambda.decided: model 'allow', observed <missing>*",)),
    Bug("throttle_off", THROTTLING, ("*status: model 429, observed 200*",)),
    Bug("throttle_stage_only", THROTTLING, ("*GET /a: burst 2, rate 0.0/s, 2 let through*",
                                            "*status: model 429, observed 200*")),
    Bug("upstream_timeout_502", TIMEOUTS, ("*status: model 504, observed 502*",)),
    Bug("drop_integration_timeouts", TIMEOUTS, ("*status: model 50[34], observed 200*",)),
    Bug("head_limit_off", LIMITS, ("*status: model 431, observed 200*",)),
    Bug("payload_limit_in_kib", LIMITS, ("*status: model 200, observed 413*",)),
    Bug("no_failover", HEALTH, ("*status: model 200, observed 50[23]*", "*== targets ==*", "*(down)*")),
    Bug("alb_gateway_503", HEALTH, ("*status: model 502, observed 503*",),
        failing=("test_requests_spread_over_healthy_targets_only[alb]",)),
    Bug("import_v2", IMPORTED, ("*version: model '1.0', observed '2.0'*",)),
    Bug("route_path_only", ACCESS_LOGS, ("*line: model '*\"GET GET /items/{id} HTTP/1.1\"*', "
                                         "observed '*\"GET /items/{id} HTTP/1.1\"*",)),
    Bug("frame_limit_off", WS_LIMITS, ("*WebSocket limits: 32769 bytes in frames [[]32769]*",
                                       "*close: model 1009, observed None*")),
]


def failure_report(out: str, case: str) -> str:
    """The part of the run's output reporting ``case``'s failure (empty when it has none)."""
    header = re.compile(rf"^_+ {re.escape(case)} _+$", re.M)
    found = header.search(out)
    if found is None:
        return ""
    end = re.compile(r"^(_+ \S+ _+|=+ .* =+)$", re.M).search(out, found.end())
    return out[found.end():end.start() if end else len(out)]


def _waves() -> list[list[Bug]]:
    """The bugs in runs of at most one bug per case file (the n-th bug of every file together)."""
    per_case: dict[str, list[Bug]] = {}
    for bug in BUGS:
        per_case.setdefault(bug.case, []).append(bug)
    depth = max(len(bugs) for bugs in per_case.values())
    return [[bugs[i] for bugs in per_case.values() if i < len(bugs)] for i in range(depth)]


def test_without_a_bug_every_case_passes(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    """Control: the same cases, the same examples and the patching conftest, no bug: all pass."""
    result = run_injected(pytester, monkeypatch, list(CASES))
    result.assert_outcomes(passed=sum(len(cases) for cases in CASES.values()))


@pytest.mark.parametrize("wave", _waves(), ids=lambda wave: "+".join(bug.name for bug in wave))
def test_injected_emulation_bugs_fail_their_cases(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch,
                                                  wave: list[Bug]) -> None:
    """Each bug of the wave fails the cases covering it (and no other), on the field it concerns."""
    result = run_injected(pytester, monkeypatch, [bug.case for bug in wave],
                          bugs=",".join(bug.name for bug in wave))
    out = result.stdout.str()
    failed = sum(len(bug.failed) for bug in wave)
    result.assert_outcomes(failed=failed, passed=sum(len(CASES[bug.case]) for bug in wave) - failed)
    for bug in wave:
        for case in bug.failed:
            report = failure_report(out, case)
            assert report, f"{bug.name}: {case} did not fail\n{out[-3000:]}"
            lines = report.splitlines()
            for shown in bug.shown:
                assert any(fnmatch.fnmatch(line, shown) for line in lines), (
                    f"{bug.name}: {case}'s failure does not show {shown!r}\n{report[-3000:]}")


def test_declared_gaps_excuse_their_fields_and_nothing_else(pytester: pytest.Pytester,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """MiniStack's JWT gap declared (claims with their JSON types, scopes sorted): claims passed
    typed end xfail naming the gap and the claim fields; a backend that throttles nothing and
    says so: the throttling case ends xfail on the refusal fields only. Scopes ignored (every
    token allowed on scoped routes) still fail, on the status, beside the same declared gap."""
    gaps = f"{cap.AUTHORIZER_JWT_DETAILS},{cap.THROTTLING}"
    result = run_injected(pytester, monkeypatch, [JWT, THROTTLING], bugs="jwt_claims_typed,throttle_off",
                          gaps=gaps)
    result.assert_outcomes(xfailed=2)
    result.stdout.fnmatch_lines_random([
        f"*{cap.AUTHORIZER_JWT_DETAILS}: declared by the test (differed: requestContext.authorizer*",
        f"*{cap.THROTTLING}: declared by the test (differed: body, status)*"])
    result = run_injected(pytester, monkeypatch, [JWT], bugs="jwt_claims_typed,jwt_scopes_ignored",
                          gaps=cap.AUTHORIZER_JWT_DETAILS)
    result.assert_outcomes(failed=1)
    assert fnmatch.filter(failure_report(result.stdout.str(), CASES[JWT][0]).splitlines(),
                          "*status: model 403, observed 200*")


def test_a_failure_shrinks_to_a_readable_api_and_request(pytester: pytest.Pytester,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """The ALB bug met by generated examples and shrunk: a small route table, one plain request,
    its route's one target down; the failing case's id is printed the way it can be pasted back."""
    case = f"{HEALTH}::test_requests_spread_over_healthy_targets_only[alb]"
    result = run_injected(pytester, monkeypatch, [case], bugs="alb_gateway_503", profile="injection-shrink")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines([
        "*== spec ==*", "*HttpApi 'Generated'*", "*stage $default*",
        "*route * -> HttpAlbIntegration(ANY, targets 127.0.0.1:*)*",
        "*== request ==*", "*GET /*", "*== differences (model vs observed) ==*",
        "*status: model 502, observed 503", "*== targets ==*", "*: 127.0.0.1:* (down)",
    ])
    assert f"FAILED {case}" in result.stdout.str()  # pasteable as printed
    out = result.stdout.str()
    request = out.split("== request ==")[1].split("== model ==")[0]
    lines = [line.strip("E ") for line in request.splitlines()]
    sent = [line for line in lines if line]
    assert len(sent) == 1 and re.fullmatch(r"GET /\w{0,2}", sent[0]), request  # no query, header, body
    spec = out.split("== spec ==")[1].split("== request ==")[0]
    assert spec.count(" route ") < 8, spec  # fewer than the most a table holds
