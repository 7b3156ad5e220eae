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

import fnmatch
import re
import textwrap

import pytest

from pytest_apigw import capabilities
from tests.support.injection import WITHOUT_PROJECT_LITERALS

FAKE_BACKEND = textwrap.dedent(
    '''
    import copy
    import dataclasses
    import os

    import pytest

    from pytest_apigw_embedded.backend import EmbeddedBackend


    def _names(value):
        return [n for n in value.split(",") if n]


    class BuggyBackend(EmbeddedBackend):
        """The embedded backend, declaring gaps it may not have and provisioning with bugs."""

        name = "buggy"

        def __init__(self, config=None):
            super().__init__(config)
            gaps = _names(os.environ.get("BUGGY_GAPS", ""))
            self.capability_gaps = {n: "declared by the test" for n in gaps}
            self.bugs = set(_names(os.environ.get("BUGGY_BUGS", "")))

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


    #: Scenarios of one run (``BUGGY_SCENARIOS``: ``name=gap+gap/bug+bug;...``): every case runs
    #: once per scenario, the backend declaring that scenario's gaps and provisioning its bugs.
    SCENARIOS = dict(item.split("=", 1) for item in os.environ.get("BUGGY_SCENARIOS", "").split(";") if item)


    @pytest.fixture(autouse=True, params=list(SCENARIOS) or [None])
    def scenario(request, apigw_backend):
        if request.param is not None:
            gaps, _, bugs = SCENARIOS[request.param].partition("/")
            apigw_backend.capability_gaps = {n: "declared by the test" for n in gaps.split("+") if n}
            apigw_backend.bugs = {n for n in bugs.split("+") if n}
        return request.param
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
) + WITHOUT_PROJECT_LITERALS  # derandomized draws that do not shift with unrelated modules

#: A case whose API has a named stage with stage variables, served with payload 1.0 and 2.0.
STAGED = "test_stages_and_cookies.py::test_named_stage_keeps_its_segment_in_the_event"
PAYLOAD_V1, STAGE_VARIABLES = capabilities.PAYLOAD_V1, capabilities.STAGE_VARIABLES


def _run(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch,
         scenarios: dict[str, tuple[list[str], list[str]]]) -> dict[str, str]:
    """One run of :data:`STAGED` per scenario (``name: (gaps, bugs)``): each item's outcome by
    ``"<scenario>-<version>"``, and the whole output under ``"output"``."""
    pytester.makeconftest(FAKE_BACKEND)
    monkeypatch.setenv("BUGGY_SCENARIOS", ";".join(f"{name}={'+'.join(gaps)}/{'+'.join(bugs)}"
                                                   for name, (gaps, bugs) in scenarios.items()))
    result = pytester.runpytest_subprocess("--apigw=buggy", "-p", "no:randomly", "-rA", STAGED, timeout=120)
    out = result.stdout.str()
    found = {item: outcome for outcome, item in re.findall(
        r"^(PASSED|FAILED|XFAIL|SKIPPED|ERROR) \S+\[(\S+?)\]", out, re.M)}
    found["output"] = out
    return found


def _report(out: str, item: str) -> str:
    """What the run printed about ``item``: its failure report and its summary line."""
    lines = out.splitlines()
    shown: list[str] = []
    inside = False
    for line in lines:
        if re.fullmatch(r"_+ \S+ _+|=+ .* =+", line):
            inside = f"[{item}] " in line
        elif inside or f"[{item}]" in line:
            shown.append(line)
    return "\n".join(shown)


def test_declared_gaps_excuse_only_their_own_fields(pytester: pytest.Pytester,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """One run, five scenarios of gaps declared and provisioning bugs (both payload versions):

    - control: a declared gap the backend does not show is never met: plain passes;
    - payload forced to 2.0 on a backend that declares exactly that (MiniStack's gap): the 1.0
      case is judged on the 2.0 reading and ends xfail naming the gap; the 2.0 case passes;
    - MiniStack's payload gap declared, stage variables dropped by a provisioning bug: both fail on
      ``stageVariables`` (a gap excusing the whole case would have let them pass);
    - the ``stageVariables`` gap declared, payload forced to 2.0: the 1.0 case fails (its event is
      not a 1.0 event), the 2.0 case passes;
    - the ``stageVariables`` gap declared and stage variables dropped: only that key differs, so
      both end xfail naming it.
    """
    found = _run(pytester, monkeypatch, {
        "control": ([PAYLOAD_V1], []),
        "gap-itself": ([PAYLOAD_V1], ["force_v2"]),
        "bug-beside-gap": ([PAYLOAD_V1], ["force_v2", "drop_stage_variables"]),
        "field-gap-payload-bug": ([STAGE_VARIABLES], ["force_v2"]),
        "field-gap-own-field": ([STAGE_VARIABLES], ["drop_stage_variables"]),
    })
    out = found.pop("output")
    assert found == {
        "control-2.0": "PASSED", "control-1.0": "PASSED",
        "gap-itself-2.0": "PASSED", "gap-itself-1.0": "XFAIL",
        "bug-beside-gap-2.0": "FAILED", "bug-beside-gap-1.0": "FAILED",
        "field-gap-payload-bug-2.0": "PASSED", "field-gap-payload-bug-1.0": "FAILED",
        "field-gap-own-field-2.0": "XFAIL", "field-gap-own-field-1.0": "XFAIL",
    }, out[-6000:]
    expected = {
        "gap-itself-1.0": f"*declared backend gaps: {PAYLOAD_V1}*(differed: version)*",
        "bug-beside-gap-1.0": "*stageVariables: model {'color': 'blue'}*",
        "field-gap-payload-bug-1.0": "*version: model '1.0', observed '2.0'*",
        "field-gap-own-field-2.0": f"*{STAGE_VARIABLES}: declared by the test (differed: stageVariables)*",
    }
    for item, shown in expected.items():
        assert fnmatch.filter(_report(out, item).splitlines(), shown), f"{item}: {shown!r}\n{out[-6000:]}"


def test_the_stateful_websocket_case_catches_a_dropped_connect_authorizer(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
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


def test_users_declare_their_backends_gaps_in_the_ini_file(pytester: pytest.Pytester,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """A LocalStack version's known difference, declared by the user (ini ``apigw_known_gaps``),
    excuses its field only: the dropped stage variables end xfail naming the user's reason,
    while a payload bug beside it still fails."""
    gap = capabilities.STAGE_VARIABLES
    declared = f"{gap} [stageVariables]: our LocalStack 3.8 drops them"
    pytester.makeini(f"[pytest]\napigw_known_gaps =\n    {declared}\n")
    found = _run(pytester, monkeypatch, {"dropped": ([], ["drop_stage_variables"]),
                                         "dropped-and-v2": ([], ["drop_stage_variables", "force_v2"])})
    out = found.pop("output")
    assert found == {"dropped-2.0": "XFAIL", "dropped-1.0": "XFAIL",
                     "dropped-and-v2-2.0": "XFAIL", "dropped-and-v2-1.0": "FAILED"}, out[-6000:]
    assert fnmatch.filter(_report(out, "dropped-1.0").splitlines(),
                          f"*{gap}: our LocalStack 3.8 drops them (differed: stageVariables)*"), out[-6000:]


def test_a_malformed_known_gap_is_a_usage_error(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\napigw_known_gaps =\n    http.no_such_thing: why\n")
    result = pytester.runpytest_subprocess("--apigw", STAGED)
    result.stderr.fnmatch_lines(["*apigw_known_gaps: 'http.no_such_thing: why' must be 'capability: *"])
    assert result.ret == pytest.ExitCode.USAGE_ERROR
