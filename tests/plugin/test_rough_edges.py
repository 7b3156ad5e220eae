"""What a new user runs into first (issue 12's rough edges), each as a real pytest run."""

from __future__ import annotations

import textwrap


def test_a_spec_error_is_reported_at_the_users_line(pytester):
    pytester.makepyfile(
        test_spec=textwrap.dedent(
            """
            from pytest_apigw import Function, HttpApi, HttpMethod, LambdaProxyIntegration

            def ok(event, context):
                return "ok"

            def test_bad_path():
                api = HttpApi("Api")
                api.add_routes(path="books", methods=[HttpMethod.GET],
                               integration=LambdaProxyIntegration(handler=Function("F", handler=ok)))

            def test_no_stage(apigw):
                api = HttpApi("Api", create_default_stage=False)
                api.add_routes(path="/books", methods=[HttpMethod.GET],
                               integration=LambdaProxyIntegration(handler=Function("F", handler=ok)))
                apigw.deploy(api)
            """
        )
    )
    result = pytester.runpytest_subprocess("-p", "no:randomly")
    result.assert_outcomes(failed=2)
    out = result.stdout.str()
    result.stdout.fnmatch_lines([
        ">*api.add_routes(path=\"books\"*",
        "E*SpecError: HttpApi 'Api': route path 'books' must start with '/'*",
        ">*apigw.deploy(api)",
        "E*SpecError: HttpApi 'Api': has no stage to deploy to*",
    ])
    for frame in ("route_key.py", "http_api.py", "session.py", "backend.py", "deploy.py"):
        assert f"{frame}:" not in out, f"a pytest-apigw frame ({frame}) is in the report"
    # --fulltrace still shows everything
    full = pytester.runpytest_subprocess("-p", "no:randomly", "--fulltrace", "-k", "bad_path")
    assert "route_key.py:" in full.stdout.str()


def test_a_handler_failing_to_import_is_reported_at_its_own_line(pytester):
    """A handler module failing at deploy (``os.environ["TABLE_NAME"]`` with the variable unset)
    reads as the user's module failing, at their line, with no frame of the plugin's (its
    environment overlay, its module loader) in either exception of the chain."""
    pytester.mkdir("src")
    pytester.path.joinpath("src", "app.py").write_text(
        "import os\n\nTABLE = os.environ['TABLE_NAME']\n\ndef handler(event, context):\n    return {}\n")
    pytester.makepyfile(
        test_import=textwrap.dedent(
            """
            from pytest_apigw import Function, HttpApi, LambdaProxyIntegration

            def test_deploy(apigw):
                api = HttpApi("Api")
                api.add_routes(path="/x", integration=LambdaProxyIntegration(
                    handler=Function("F", handler="app.handler", code="src")))
                apigw.deploy(api)
            """
        )
    )
    result = pytester.runpytest_subprocess("-p", "no:randomly")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines([
        ">*TABLE = os.environ[[]'TABLE_NAME']", "E*KeyError: 'TABLE_NAME'", "src/app.py:3: KeyError",
        "*direct cause*", ">*apigw.deploy(api)", "E*SpecError: Function 'F': handler 'app.handler'*",
    ])
    out = result.stdout.str()
    for frame in ("environ.py", "function.py", "function_modules.py", "inprocess.py"):
        assert f"{frame}:" not in out, f"a pytest-apigw frame ({frame}) is in the report"


def test_disabling_the_plugin_disables_its_backends_quietly(pytester):
    pytester.makepyfile(test_x="def test_x():\n    pass\n")
    result = pytester.runpytest_subprocess("-p", "no:apigw")
    result.assert_outcomes(passed=1)
    result.stdout.no_fnmatch_line("*INTERNALERROR*")


def test_the_users_own_hypothesis_profiles_are_left_alone(pytester):
    pytester.makeconftest(
        """
        from hypothesis import settings
        settings.register_profile("ci", max_examples=7)
        settings.register_profile("thorough", max_examples=9)
        """
    )
    pytester.makepyfile(
        test_profiles="""
        from hypothesis import settings

        def test_profiles():
            assert settings.get_profile("ci").max_examples == 7
            assert settings.get_profile("thorough").max_examples == 9
            assert settings.get_profile("apigw-ci").max_examples == 12
        """
    )
    result = pytester.runpytest_subprocess("--apigw", "--hypothesis-profile=ci", "-k", "test_profiles")
    result.assert_outcomes(passed=1)


def test_a_conformance_test_id_from_a_run_can_be_pasted_back(pytester):
    listed = pytester.runpytest_subprocess("--apigw", "--collect-only", "-q")
    ids = [line for line in listed.stdout.lines if line.startswith("test_lambda_responses.py::")]
    assert ids, listed.stdout.str()
    for args in (["--apigw", ids[0]], ["--apigw=embedded", ids[0]]):
        again = pytester.runpytest_subprocess(*args, "--collect-only", "-q")
        collected = [line for line in again.stdout.lines if "::" in line]
        assert collected == [ids[0]], again.stdout.str()


def test_an_unknown_backend_from_the_environment_names_the_environment(pytester, monkeypatch):
    pytester.makepyfile(test_x="def test_x():\n    pass\n")
    monkeypatch.setenv("PYTEST_APIGW_BACKEND", "nope")
    result = pytester.runpytest_subprocess()
    result.stderr.fnmatch_lines(["*$PYTEST_APIGW_BACKEND: unknown backend 'nope'; registered backends: *"])
    pytester.makeini("[pytest]\napigw_backend = nada\n")
    result = pytester.runpytest_subprocess()
    result.stderr.fnmatch_lines(["*ini option apigw_backend: unknown backend 'nada'*"])
