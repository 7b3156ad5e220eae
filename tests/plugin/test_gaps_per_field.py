"""Declared gaps excuse only their own fields: a backend that declares MiniStack's gaps but has a
provisioning bug elsewhere fails the conformance suite, in a real ``pytest --apigw`` run.

The fake backend (written into the pytester folder) wraps the embedded one: it declares the
gaps named in ``BUGGY_GAPS`` and deploys a copy of each spec with the bugs named in
``BUGGY_BUGS`` injected (``drop_stage_variables``: every stage's variables are lost;
``force_v2``: every Lambda proxy integration is provisioned as payload 2.0;
``drop_ws_authorizer``: a WebSocket API's ``$connect`` authorizer is not provisioned), while the
suite predicts from the spec as written.
"""

from __future__ import annotations

import textwrap

import pytest

from pytest_apigw import capabilities

FAKE_BACKEND = textwrap.dedent(
    '''
    import copy
    import dataclasses
    import os

    from pytest_apigw_embedded.backend import EmbeddedBackend


    class BuggyBackend(EmbeddedBackend):
        """The embedded backend, declaring gaps it may not have and provisioning with bugs."""

        name = "buggy"

        def __init__(self, config=None):
            super().__init__(config)
            names = [n for n in os.environ.get("BUGGY_GAPS", "").split(",") if n]
            self.capability_gaps = {n: "declared by the test" for n in names}
            self.bugs = set(os.environ.get("BUGGY_BUGS", "").split(","))

        def deploy(self, api, *, stage=None):
            provisioned = copy.deepcopy(api)
            if "drop_stage_variables" in self.bugs:
                for s in provisioned.stages:
                    s.stage_variables = {}
            if "force_v2" in self.bugs:
                for route in provisioned.routes.values():
                    if hasattr(route.integration, "payload_format_version"):
                        route.integration.payload_format_version = "2.0"
            if "drop_ws_authorizer" in self.bugs and "$connect" in getattr(provisioned, "routes", {}):
                connect = provisioned.routes["$connect"]
                if hasattr(connect, "authorizer"):
                    provisioned.routes["$connect"] = dataclasses.replace(connect, authorizer=None)
            return super().deploy(provisioned, stage=stage)


    def pytest_apigw_register_backends(registry):
        registry.register("buggy", BuggyBackend, description="embedded, with injected bugs")
    '''
)

#: A profile of the test's own (used as it is on any backend): enough examples to meet the bug,
#: no shrinking (the report still prints the whole step sequence).
INJECTION_PROFILE = textwrap.dedent(
    '''
    from hypothesis import HealthCheck, Phase, settings

    settings.register_profile(
        "injection", max_examples=30, deadline=None, derandomize=True, database=None,
        phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    '''
)

#: A case whose API has a named stage with stage variables, served with payload 1.0 and 2.0.
STAGED = "test_stages_and_cookies.py::test_named_stage_keeps_its_segment_in_the_event"


def _run(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, *, gaps: list[str],
         bugs: list[str]) -> pytest.RunResult:
    pytester.makeconftest(FAKE_BACKEND)
    monkeypatch.setenv("BUGGY_GAPS", ",".join(gaps))
    monkeypatch.setenv("BUGGY_BUGS", ",".join(bugs))
    return pytester.runpytest_subprocess("--apigw=buggy", "-p", "no:randomly", "-rsx", STAGED, timeout=120)


def test_without_bugs_and_with_a_gap_the_backend_lacks_not_the_case_passes(pytester, monkeypatch):
    """Control: a declared gap that the backend does not show is never met: plain passes."""
    result = _run(pytester, monkeypatch, gaps=[capabilities.PAYLOAD_V1], bugs=[])
    result.assert_outcomes(passed=2)


def test_the_declared_gap_itself_is_excused(pytester, monkeypatch):
    """Payload forced to 2.0 on a backend that declares exactly that (MiniStack's gap): the 1.0
    case is judged on the 2.0 reading and ends xfail naming the gap; the 2.0 case passes."""
    result = _run(pytester, monkeypatch, gaps=[capabilities.PAYLOAD_V1], bugs=["force_v2"])
    result.assert_outcomes(passed=1, xfailed=1)
    result.stdout.fnmatch_lines([f"*declared backend gaps: {capabilities.PAYLOAD_V1}*(differed: version)*"])


def test_a_provisioning_bug_beside_a_declared_gap_fails(pytester, monkeypatch):
    """MiniStack's payload gap declared, stage variables dropped by a provisioning bug: the 1.0
    case fails on ``stageVariables`` (a gap excusing the whole case would have let it pass)."""
    result = _run(pytester, monkeypatch, gaps=[capabilities.PAYLOAD_V1],
                  bugs=["force_v2", "drop_stage_variables"])
    result.assert_outcomes(failed=2)
    result.stdout.fnmatch_lines(["*stageVariables: model {'color': 'blue'}*"])


def test_a_field_gap_does_not_hide_a_payload_bug(pytester, monkeypatch):
    """The ``stageVariables`` gap declared, payload forced to 2.0: the 1.0 case fails (its
    event is not a 1.0 event), the 2.0 case passes."""
    result = _run(pytester, monkeypatch, gaps=[capabilities.STAGE_VARIABLES], bugs=["force_v2"])
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["*version: model '1.0', observed '2.0'*"])


def test_a_field_gap_excuses_its_own_field_only(pytester, monkeypatch):
    """The ``stageVariables`` gap declared and stage variables dropped: only that key differs,
    so both cases end xfail naming it."""
    result = _run(pytester, monkeypatch, gaps=[capabilities.STAGE_VARIABLES], bugs=["drop_stage_variables"])
    result.assert_outcomes(xfailed=2)
    gap = capabilities.STAGE_VARIABLES
    result.stdout.fnmatch_lines([f"*{gap}: declared by the test (differed: stageVariables)*"])


def test_the_stateful_websocket_case_catches_a_dropped_connect_authorizer(pytester, monkeypatch):
    """The ``$connect`` authorizer not provisioned: a connection without credentials is accepted
    where the model says 401; the stateful case fails and prints the step sequence."""
    pytester.makeconftest(FAKE_BACKEND + INJECTION_PROFILE)
    monkeypatch.setenv("BUGGY_BUGS", "drop_ws_authorizer")
    result = pytester.runpytest_subprocess(
        "--apigw=buggy", "-p", "no:randomly", "--hypothesis-profile=injection",
        "test_websocket_sessions.py", timeout=300)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*connect c* with Auth=*: model 40[13], observed 101*",
                                 "*state.connect(auth=*"])


def test_users_declare_their_backends_gaps_in_the_ini_file(pytester, monkeypatch):
    """A LocalStack version's known difference, declared by the user (ini ``apigw_known_gaps``),
    excuses its field only: the dropped stage variables end xfail naming the user's reason,
    while a payload bug beside it still fails."""
    gap = capabilities.STAGE_VARIABLES
    declared = f"{gap} [stageVariables]: our LocalStack 3.8 drops them"
    pytester.makeini(f"[pytest]\napigw_known_gaps =\n    {declared}\n")
    result = _run(pytester, monkeypatch, gaps=[], bugs=["drop_stage_variables"])
    result.assert_outcomes(xfailed=2)
    result.stdout.fnmatch_lines([f"*{gap}: our LocalStack 3.8 drops them (differed: stageVariables)*"])
    result = _run(pytester, monkeypatch, gaps=[], bugs=["drop_stage_variables", "force_v2"])
    result.assert_outcomes(xfailed=1, failed=1)


def test_a_malformed_known_gap_is_a_usage_error(pytester):
    pytester.makeini("[pytest]\napigw_known_gaps =\n    http.no_such_thing: why\n")
    result = pytester.runpytest_subprocess("--apigw", STAGED)
    result.stderr.fnmatch_lines(["*apigw_known_gaps: 'http.no_such_thing: why' must be 'capability: *"])
    assert result.ret == pytest.ExitCode.USAGE_ERROR
