"""The target-health and imported-template cases catch emulation bugs, in a real ``pytest --apigw``
run: the embedded backend with one bug injected (a ``conftest.py`` written into the pytester
folder patches it, chosen by ``BUGGY_BUGS``), while the suite predicts from the spec as usual.

- ``no_failover``: a request goes to the first target the balancer picks, and that target's
  refusal is the answer (503) even when a healthy target is left;
- ``alb_gateway_503``: an ALB whose targets all refuse answers the gateway's 503 instead of the
  ALB's own 502;
- ``import_v2``: the template reader provisions every imported Lambda integration as payload 2.0,
  whatever ``PayloadFormatVersion`` says.
"""

from __future__ import annotations

import textwrap

import pytest

from tests.support.injection import injection_profiles

BUGGY = textwrap.dedent(
    '''
    import os

    import pytest_apigw.templates.resources.integrations as template_integrations
    import pytest_apigw_embedded.integrations.alb as alb
    import pytest_apigw_embedded.integrations.upstream.pipeline as pipeline
    from pytest_apigw_embedded.integrations.upstream.forward import REFUSED

    BUGS = set(os.environ.get("BUGGY_BUGS", "").split(","))

    if "no_failover" in BUGS:
        _forward = pipeline.forward

        async def first_target_only(services, out, endpoints, **kwargs):
            return await _forward(services, out, endpoints[:1], **kwargs)

        pipeline.forward = first_target_only

    if "alb_gateway_503" in BUGS:
        alb.alb_bad_gateway = REFUSED

    if "import_v2" in BUGS:
        _make = template_integrations.make

        def always_v2(*args, **kwargs):
            if kwargs.get("payload") is not None:
                kwargs["payload"] = "2.0"
            return _make(*args, **kwargs)

        template_integrations.make = always_v2
    '''
) + injection_profiles()


HEALTH = "test_target_health.py"
IMPORTED = "test_imported_templates.py"


def _run(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, *cases: str, bugs: str,
         profile: str = "injection") -> pytest.RunResult:
    pytester.makeconftest(BUGGY)
    monkeypatch.setenv("BUGGY_BUGS", bugs)
    return pytester.runpytest_subprocess("--apigw", "-p", "no:randomly", f"--hypothesis-profile={profile}",
                                         *cases, timeout=300)


def test_without_a_bug_both_cases_pass(pytester, monkeypatch):
    """Control: the same run with nothing injected passes (ALB, NLB, Cloud Map; CloudFormation,
    OpenAPI, SAM, with and without CORS)."""
    result = _run(pytester, monkeypatch, HEALTH, IMPORTED, bugs="")
    result.assert_outcomes(passed=9)


def test_target_health_catches_a_balancer_that_does_not_fail_over(pytester, monkeypatch):
    """A refusing target answers 503 although a healthy one is registered: every kind fails, and
    the report shows the spec, the request and which targets were down."""
    result = _run(pytester, monkeypatch, HEALTH, bugs="no_failover")
    result.assert_outcomes(failed=3)
    result.stdout.fnmatch_lines(["*status: model 200, observed 503*", "*== targets ==*", "*(down)*"])


def test_target_health_catches_an_alb_that_answers_the_gateways_503(pytester, monkeypatch):
    """Every ALB target down: the model says the ALB's own 502; the NLB and Cloud Map cases,
    whose answer is the gateway's 503, still pass."""
    result = _run(pytester, monkeypatch, HEALTH, bugs="alb_gateway_503")
    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines(["*status: model 502, observed 503*"])


def test_a_failure_shrinks_to_a_readable_api_and_request(pytester, monkeypatch):
    """The ALB bug again, shrunk: a small route table, one plain request, its route's one target
    down; the failing case's id is printed the way it can be pasted back."""
    case = f"{HEALTH}::test_requests_spread_over_healthy_targets_only[alb]"
    result = _run(pytester, monkeypatch, case, bugs="alb_gateway_503", profile="injection-shrink")
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
    shrunk = [line for line in lines if line]
    # shrunk: one plain request, no query, header or body; which path the shrinker settles on
    # ("GET /", "GET /0") follows the order Hypothesis happened to meet the examples in
    assert len(shrunk) == 1 and shrunk[0].startswith("GET /") and "?" not in shrunk[0], request
    assert len(shrunk[0].split("/")) == 2 and len(shrunk[0]) <= len("GET /0"), request
    spec = out.split("== spec ==")[1].split("== request ==")[0]
    assert spec.count(" route ") < 8, spec  # fewer than the most a table holds


def test_imported_templates_catch_a_reader_that_ignores_the_payload_version(pytester, monkeypatch):
    """Imported 1.0 integrations served as 2.0: the event's ``version`` differs from what the
    original spec predicts, in all three template shapes, with and without CORS."""
    result = _run(pytester, monkeypatch, IMPORTED, bugs="import_v2")
    result.assert_outcomes(failed=6)
    result.stdout.fnmatch_lines(["*version: model '1.0', observed '2.0'*"])
