"""The pytest plugin seen from the outside: options, header, fixtures, reports, teardown."""

import textwrap

import pytest

BOOKS_TEST = textwrap.dedent(
    """
    import httpx
    from pytest_apigw import HttpApi, HttpMethod, LambdaProxyIntegration, Function

    def books(event, context):
        return {"statusCode": 200, "body": "books"}

    def test_books(apigw):
        api = HttpApi("HttpApi")
        api.add_routes(path="/books", methods=[HttpMethod.GET],
                       integration=LambdaProxyIntegration(handler=Function("BooksFn", handler=books)))
        deployment = apigw.deploy(api)
        assert httpx.get(deployment.url + "/books").text == "books"
    """
)


def test_unknown_backend_is_a_usage_error_listing_the_registered_ones(pytester):
    pytester.makepyfile(test_x="def test_x():\n    pass\n")
    result = pytester.runpytest_subprocess("--apigw=nosuch")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*unknown backend 'nosuch'; registered backends: *embedded*"])


def test_ini_and_environment_fallbacks_in_order(pytester, monkeypatch):
    pytester.makepyfile(test_x="def test_x():\n    pass\n")
    monkeypatch.setenv("PYTEST_APIGW_BACKEND", "from-env")
    result = pytester.runpytest_subprocess("-p", "no:randomly")
    result.stderr.fnmatch_lines(["*unknown backend 'from-env'*"])
    pytester.makeini("[pytest]\napigw_backend = from-ini\n")
    result = pytester.runpytest_subprocess()
    result.stderr.fnmatch_lines(["*unknown backend 'from-ini'*"])
    result = pytester.runpytest_subprocess("--apigw=embedded", "--apigw-no-conformance")
    assert result.ret == 0
    result.stdout.fnmatch_lines(["apigw: backend 'embedded'*registered: *embedded*"])


def test_apigw_fixture_works_without_the_flag_and_shows_in_the_header(pytester):
    pytester.makepyfile(test_books=BOOKS_TEST)
    result = pytester.runpytest_subprocess("-v")
    result.stdout.fnmatch_lines(["apigw: backend 'embedded'*", "*test_books PASSED*"])
    assert result.ret == 0


def test_failure_report_shows_route_event_and_traceback(pytester):
    pytester.makepyfile(
        test_fail=textwrap.dedent(
            """
            import logging
            import httpx
            from pytest_apigw import HttpApi, LambdaProxyIntegration

            def broken(event, context):
                logging.getLogger("orders").warning("looking up order %s", event["pathParameters"]["id"])
                raise RuntimeError("the handler broke")

            def test_fails(apigw):
                api = HttpApi("A")
                api.add_routes(path="/orders/{id}", methods=["POST"],
                               integration=LambdaProxyIntegration(handler=broken))
                deployment = apigw.deploy(api)
                assert httpx.post(deployment.url + "/orders/7?x=1").status_code == 200
            """
        )
    )
    result = pytester.runpytest_subprocess()
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(
        [
            "*apigw gateway log (call)*",
            "*POST /orders/7?x=1*route 'POST /orders/{id}'*Lambda 'broken'*500*",
            "*event the integration received:*",
            '*"routeKey": "POST /orders/{id}"*',
            "*handler traceback:*",
            "*Traceback (most recent call last):*",
            '*File "*test_fail.py", line *, in broken*',
            "*RuntimeError: the handler broke*",
            "*handler output (print, stderr, logging):*",
            "*?WARNING? orders: looking up order 7*",
        ]
    )
    # As on Lambda, the traceback starts at the handler: the runtime's own frames are not in it.
    assert "lambda_runtime" not in result.stdout.str()


def test_teardown_stops_the_deployment(pytester):
    pytester.makepyfile(
        test_teardown=textwrap.dedent(
            """
            import httpx, pytest
            from pytest_apigw import HttpApi, LambdaProxyIntegration

            URLS = []

            def test_deploy(apigw):
                api = HttpApi("A", default_integration=LambdaProxyIntegration(handler=lambda e, c: "ok"))
                URLS.append(apigw.deploy(api).url)
                assert httpx.get(URLS[0]).text == "ok"

            def test_gone_after_teardown():
                with pytest.raises(httpx.ConnectError):
                    httpx.get(URLS[0])
            """
        )
    )
    result = pytester.runpytest_subprocess("-p", "no:randomly")
    result.assert_outcomes(passed=2)


def test_nothing_survives_the_session(pytester):
    """No gateway thread, listening socket or worker process is left when pytest ends."""
    pytester.makeconftest(
        textwrap.dedent(
            """
            import atexit, os, pathlib, threading

            def _report():
                threads = sorted(t.name for t in threading.enumerate() if t is not threading.main_thread())
                children = []
                for task in pathlib.Path(f"/proc/{os.getpid()}/task").iterdir():
                    children += (task / "children").read_text().split()
                sockets = []
                for fd in os.listdir("/proc/self/fd"):
                    try:
                        if os.readlink(f"/proc/self/fd/{fd}").startswith("socket:"):
                            sockets.append(fd)
                    except FileNotFoundError:  # the fd listdir itself used
                        pass
                pathlib.Path("leftovers.txt").write_text(f"{threads}|{children}|{len(sockets)}")

            atexit.register(_report)
            """
        )
    )
    pytester.makepyfile(
        test_many=textwrap.dedent(
            """
            import httpx
            from pytest_apigw import Function, HttpApi, LambdaProxyIntegration
            from handlers_mod import ok

            def test_websocket_left_open(apigw):
                from pytest_apigw import LambdaWebSocketIntegration, WebSocketApi, WebSocketStage

                api = WebSocketApi("W", default_route_options={"integration": LambdaWebSocketIntegration(
                    handler=lambda e, c: {"statusCode": 200})})
                WebSocketStage("S", web_socket_api=api, stage_name="dev")
                client = apigw.deploy(api).ws_connect()
                client.__enter__()  # never closed by the test: teardown must close it

            def test_in_process_and_process(apigw, apigw_session):
                for isolation in ("inprocess", "process"):
                    fn = Function(f"F{isolation}", handler=ok, isolation=isolation)
                    api = HttpApi(f"A{isolation}", default_integration=LambdaProxyIntegration(handler=fn))
                    with httpx.Client() as client:
                        assert client.get(apigw.deploy(api).url + "/x").text == "ok"
                        assert client.get(apigw_session.deploy(api).url + "/x").text == "ok"
            """
        )
    )
    pytester.makepyfile(handlers_mod="def ok(event, context):\n    return 'ok'\n")
    result = pytester.runpytest_subprocess()
    result.assert_outcomes(passed=2)
    threads, children, sockets = (pytester.path / "leftovers.txt").read_text().split("|")
    assert threads == "[]"
    assert children == "[]"
    assert sockets == "0"


def test_works_under_xdist(pytester):
    pytester.makepyfile(
        test_par=textwrap.dedent(
            """
            import httpx, pytest
            from pytest_apigw import HttpApi, LambdaProxyIntegration

            @pytest.mark.parametrize("n", range(6))
            def test_each(apigw, n):
                api = HttpApi("A", default_integration=LambdaProxyIntegration(handler=lambda e, c: n))
                assert httpx.get(apigw.deploy(api).url).json() == n
            """
        )
    )
    result = pytester.runpytest_subprocess("-n", "2")
    result.assert_outcomes(passed=6)


def test_apigw_session_inside_hypothesis(pytester):
    pytester.makepyfile(
        test_given=textwrap.dedent(
            """
            import httpx
            from hypothesis import given, settings, strategies as st
            from pytest_apigw import HttpApi, LambdaProxyIntegration

            @settings(max_examples=5, deadline=None)
            @given(st.integers(0, 100))
            def test_value(apigw_session, n):
                api = HttpApi("A", default_integration=LambdaProxyIntegration(handler=lambda e, c: n))
                with apigw_session.deployed(api) as deployment:
                    assert httpx.get(deployment.url).json() == n
                assert not apigw_session.deployments
            """
        )
    )
    result = pytester.runpytest_subprocess()
    result.assert_outcomes(passed=1)


def test_fixtures_are_documented(pytester):
    result = pytester.runpytest_subprocess("--fixtures")
    result.stdout.fnmatch_lines(
        [
            "apigw_backend* -- *", "*selected API Gateway backend*",
            "apigw -- *", "*Deploy API specs for one test*",
            "apigw_session* -- *",
            "apigw_issuer -- *", "*OpenID Connect issuer on 127.0.0.1*",
        ]
    )


def test_apigw_followed_by_a_path_runs_that_path_on_the_default_backend(pytester):
    pytester.makepyfile(test_books=BOOKS_TEST)
    pytester.mkdir("other")
    result = pytester.runpytest_subprocess("--apigw", "test_books.py", "--apigw-no-conformance", "-v")
    assert result.ret == 0
    result.stdout.fnmatch_lines(["apigw: backend 'embedded'*", "*test_books PASSED*"])


def test_an_unavailable_backend_fails_each_test_with_its_reason_once_tried(pytester):
    pytester.makeconftest(
        textwrap.dedent(
            """
            import pytest
            from pytest_apigw import Backend, BackendUnavailable

            STARTS = []

            class Down(Backend):
                name = "down"

                def start(self):
                    STARTS.append(1)
                    raise BackendUnavailable("nothing answers at http://127.0.0.1:1; start one first")

                def deploy(self, api, *, stage=None):
                    raise AssertionError("never reached")

                def destroy(self, deployment):
                    pass

            @pytest.hookimpl
            def pytest_apigw_register_backends(registry):
                registry.register("down", Down)

            def pytest_sessionfinish(session):
                print(f"backend starts tried: {len(STARTS)}")
            """
        )
    )
    pytester.makepyfile(
        test_two=textwrap.dedent(
            """
            def test_a(apigw_backend):
                pass

            def test_b(apigw_backend):
                pass
            """
        )
    )
    result = pytester.runpytest_subprocess("--apigw=down", "--apigw-no-conformance", "-s")
    result.assert_outcomes(errors=2)
    result.stdout.fnmatch_lines(["*backend starts tried: 1*"])
    # the whole reason once, then a one-line reference to it
    assert result.stdout.str().count("\nnothing answers at http://127.0.0.1:1; start one first") == 1
    result.stdout.fnmatch_lines(["*backend 'down' is unavailable: nothing answers at http://127.0.0.1:1;*"
                                 "(the whole reason is at the first test that needed it)"])
    result.stdout.no_fnmatch_line("*Traceback*")


def test_invocation_log_is_emptied_after_each_test_and_bounded(pytester):
    pytester.makepyfile(test_log='''
import httpx
from pytest_apigw import Function, HttpApi, LambdaProxyIntegration
from pytest_apigw.invocations import LOG, KEEP_CHARS

def test_a_posts_big_bodies(apigw):
    api = HttpApi("Big")
    api.add_routes(path="/r", methods=["POST"], integration=LambdaProxyIntegration(
        handler=Function("F", handler=lambda e, c: {"statusCode": 200})))
    deployment = apigw.deploy(api)
    for _ in range(5):
        httpx.post(deployment.url + "/r", content=b"a" * 1_000_000, headers={"content-type": "text/plain"})
    entries, kept = LOG.size
    assert entries == 5 and kept < 5 * (KEEP_CHARS + 4096)
    assert all(len(i.event["body"]) < KEEP_CHARS + 100 for i in LOG.since(0))

def test_b_sees_an_empty_log():
    assert LOG.size == (0, 0)
''')
    result = pytester.runpytest_subprocess("-p", "no:randomly")
    result.assert_outcomes(passed=2)


def test_overriding_apigw_backend_changes_where_apigw_deploys(pytester):
    """``apigw`` is built on ``apigw_backend``: a conftest that wraps the backend sees every
    deploy the test makes through ``apigw``."""
    pytester.makeconftest(
        """
        import pytest

        class Recording:
            def __init__(self, inner):
                self.inner, self.deployed = inner, []
            def deploy(self, api, *, stage=None):
                self.deployed.append(api.id)
                return self.inner.deploy(api, stage=stage)
            def __getattr__(self, name):
                return getattr(self.inner, name)

        @pytest.fixture(scope="session")
        def apigw_backend(pytestconfig):
            from pytest_apigw.fixtures import lazy_backend
            return Recording(lazy_backend(pytestconfig).get())
        """
    )
    pytester.makepyfile(
        test_x="""
        import httpx
        from pytest_apigw import Function, HttpApi, LambdaProxyIntegration

        def ok(event, context):
            return "ok"

        def test_deploy(apigw, apigw_backend):
            fn = Function("F", handler=ok)
            api = HttpApi("Recorded", default_integration=LambdaProxyIntegration(handler=fn))
            assert httpx.get(apigw.deploy(api).url + "/x").text == "ok"
            assert apigw_backend.deployed == ["Recorded"]
        """
    )
    result = pytester.runpytest_subprocess("-p", "no:randomly")
    result.assert_outcomes(passed=1)


def test_a_run_of_test_files_leaves_the_conformance_suite_out_and_says_so(pytester):
    """``pytest --apigw test_books.py`` (editing one test) runs that file only, and the header
    says the suite was left out; a folder, or no path, brings the suite along."""
    pytester.makepyfile(test_books=BOOKS_TEST)
    targeted = pytester.runpytest_subprocess("--apigw", "test_books.py", "--collect-only", "-q")
    assert [line for line in targeted.stdout.lines if "::" in line] == ["test_books.py::test_books"]
    targeted = pytester.runpytest_subprocess("--apigw", "test_books.py::test_books", "-v")
    targeted.stdout.fnmatch_lines(["apigw: conformance suite not run (only test files or ids were named*",
                                   "*test_books PASSED*"])
    targeted.assert_outcomes(passed=1)
    for args in ([], ["."]):
        whole = pytester.runpytest_subprocess("--apigw", *args, "--collect-only", "-q")
        ids = [line for line in whole.stdout.lines if "::" in line]
        assert "test_books.py::test_books" in ids
        assert any(line.startswith("test_lambda_proxy.py::") for line in ids), whole.stdout.str()
        assert "conformance suite not run" not in whole.stdout.str()
