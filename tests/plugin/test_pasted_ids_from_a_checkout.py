"""A conformance case's id as a run from the project's own checkout prints it
(``pytest_apigw/contract/test_x.py::test_y[...]``: a path that exists) runs that case alone, not
the whole suite beside it."""

from __future__ import annotations

from pytest_apigw.contract.plugin import CONTRACT_DIR


def test_an_existing_path_into_the_suite_collects_that_case_alone(pytester):
    case = f"{CONTRACT_DIR / 'test_target_health.py'}::test_requests_spread_over_healthy_targets_only[nlb]"
    result = pytester.runpytest_subprocess("--apigw", case, "--collect-only", "-q")
    collected = [line for line in result.stdout.lines if "::" in line]
    assert len(collected) == 1, result.stdout.str()
    assert collected[0].endswith("test_target_health.py::test_requests_spread_over_healthy_targets_only[nlb]")


def test_the_suite_folder_itself_collects_the_suite_once(pytester):
    result = pytester.runpytest_subprocess("--apigw", str(CONTRACT_DIR), "--collect-only", "-q")
    collected = [line for line in result.stdout.lines if "::" in line]
    assert len(collected) == len(set(collected)) > 20, result.stdout.str()
