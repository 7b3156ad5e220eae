"""Route coverage from a backend's access logs, seen from the outside (pytester, with and without
pytest-xdist): the same suite as ``test_coverage.py`` on a backend that keeps no invocation log but
writes access logs (the embedded gateway standing in for AWS / LocalStack Pro, registered through
the same hook a third-party backend uses) reports the same counts, from its ``gateway access log``.
"""

from __future__ import annotations

import json
import textwrap

import pytest
from test_coverage import SUITE

CONFTEST = textwrap.dedent(
    '''
    import time

    from pytest_apigw import capabilities
    from pytest_apigw.backend import StageAccessLog
    from pytest_apigw.coverage import route_log
    from pytest_apigw_embedded.backend import EmbeddedBackend


    class AccessLogOnly(EmbeddedBackend):
        """No invocation log; stages get route coverage's access log, as the localstack backend does."""

        name = "access-log-only"

        @property
        def capabilities(self):
            return super().capabilities - {capabilities.INVOCATION_LOG}

        def deploy(self, api, *, stage=None):
            if route_log.requested(self.config):
                for each in api.stages:
                    each.access_log_format = each.access_log_format or route_log.FORMAT
            return super().deploy(api, stage=stage)

        def stage_access_logs(self, deployment, *, expected=0):
            deadline = time.monotonic() + 5
            while len(deployment.access_log) < expected and time.monotonic() < deadline:
                time.sleep(0.01)
            (stage,) = deployment.api.stages
            return [StageAccessLog(stage.stage_name, stage.access_log_format, deployment.access_log)]


    def pytest_apigw_register_backends(registry):
        registry.register("access-log-only", AccessLogOnly, description="access logs, no invocation log")
    '''
)


def report_of(pytester, *args) -> dict:
    pytester.makepyfile(test_suite=SUITE)
    pytester.makeconftest(CONFTEST)
    name = f"cov{len(list(pytester.path.glob('cov*.json')))}.json"
    result = pytester.runpytest_subprocess("-p", "no:randomly", f"--apigw-coverage-report={name}", *args)
    assert result.ret == pytest.ExitCode.OK, result.stdout.str()
    report = json.loads((pytester.path / name).read_text())
    for api in report["apis"].values():
        api.pop("api_ids")
    return report


def without_sources(report: dict) -> dict:
    """The report without what names the backend and the source."""
    for api in report["apis"].values():
        api.pop("sources")
    report.pop("backends")
    return report


def test_access_log_counts_equal_the_invocation_logs_with_and_without_xdist(pytester):
    reference = report_of(pytester)
    plain = report_of(pytester, "--apigw=access-log-only", "--apigw-no-conformance")
    distributed = report_of(pytester, "--apigw=access-log-only", "--apigw-no-conformance", "-n", "2")
    assert reference["apis"]["Books"]["sources"] == ["gateway invocation log"]
    assert plain["apis"]["Books"]["sources"] == ["gateway access log"]
    assert distributed["apis"]["Chat"]["sources"] == ["gateway access log"]
    assert plain == distributed
    assert without_sources(plain) == without_sources(reference)
    assert plain["totals"] == {"covered": 5, "routes": 8, "percent": 62.5}
    guarded = plain["apis"]["Books"]["routes"][3]
    assert (guarded["route_key"], guarded["allowed"], guarded["refused"]) == ("GET /books/{id}", 1, 1)
