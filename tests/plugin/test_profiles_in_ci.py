"""In a CI environment hypothesis loads its own ``ci`` profile by itself (100 examples); the
conformance suite still scales as when no profile was chosen (``apigw-ci``: 12 examples on the
embedded backend, 3 on an external one), or a MiniStack run would take many minutes."""

from __future__ import annotations

import pytest


def test_hypothesis_own_ci_profile_scales_like_no_profile(pytester: pytest.Pytester,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")
    pytester.makepyfile(
        test_profiles="""
        from hypothesis import settings
        from pytest_apigw.contract import profiles

        def test_profiles():
            assert settings.get_current_profile_name() == "ci"  # hypothesis saw CI=true
            assert profiles.contract_settings().max_examples == 12
            profiles.use_backend("localstack")
            try:
                assert profiles.contract_settings().max_examples == 3
            finally:
                profiles.use_backend("embedded")
        """
    )
    result = pytester.runpytest_subprocess("--apigw", "-k", "test_profiles")
    result.assert_outcomes(passed=1)


def test_a_ci_profile_of_the_users_own_is_used_as_it_is(pytester: pytest.Pytester,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")
    pytester.makeconftest(
        """
        from hypothesis import settings
        settings.register_profile("ci", max_examples=7)
        """
    )
    pytester.makepyfile(
        test_profiles="""
        from pytest_apigw.contract import profiles

        def test_profiles():
            assert profiles.contract_settings().max_examples == 7
        """
    )
    result = pytester.runpytest_subprocess("--apigw", "--hypothesis-profile=ci", "-k", "test_profiles")
    result.assert_outcomes(passed=1)
