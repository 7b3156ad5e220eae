"""What a failing test's "apigw gateway log" shows (issue 12): every request of the test in
order, the failing ones marked; a handler's print() and stderr output; what the handler
returned; and, when no route matches, the routes the stage has."""

from __future__ import annotations

import sys
import textwrap

import httpx

from pytest_apigw import Function, HttpApi, HttpMethod, LambdaProxyIntegration
from pytest_apigw.invocations import LOG, report_section


def chatty(event, context):
    print("hello from print")
    print("and from stderr", file=sys.stderr)
    if event["rawPath"] == "/boom":
        raise RuntimeError("boom")
    return {"statusCode": 201, "body": "made"}


def _api() -> HttpApi:
    api = HttpApi("Chatty")
    integration = LambdaProxyIntegration(handler=Function("Chatty", handler=chatty))
    api.add_routes(path="/ok", methods=[HttpMethod.GET], integration=integration)
    api.add_routes(path="/boom", methods=[HttpMethod.GET], integration=integration)
    return api


def test_every_request_with_output_result_and_the_routes_a_miss_could_have_taken(apigw, capsys):
    url = apigw.deploy(_api()).url
    mark = LOG.mark()
    with httpx.Client() as client:
        assert client.get(f"{url}/ok").status_code == 201
        assert client.get(f"{url}/boom").status_code == 500
        assert client.post(f"{url}/nowhere").status_code == 404
    text = report_section(LOG.since(mark))
    ok, boom, miss = text.split("\n\n")[1:]
    assert ok.startswith("GET /ok") and "✗" not in ok  # successful requests are listed too
    assert "hello from print" in ok and "and from stderr" in ok
    assert '"statusCode": 201' in ok and "the handler returned:" in ok
    assert boom.startswith("✗ GET /boom") and "RuntimeError: boom" in boom
    assert "hello from print" in boom
    assert miss.startswith("✗ POST /nowhere")
    assert "no route matches POST /nowhere; stage '$default' has: GET /ok, GET /boom" in miss
    # the output still reaches pytest's own capture
    assert "hello from print" in capsys.readouterr().out


def test_the_report_section_of_a_failing_test(pytester):
    pytester.makepyfile(test_fails=textwrap.dedent("""
        import httpx
        from pytest_apigw import Function, HttpApi, LambdaProxyIntegration

        def handler(event, context):
            print("the handler says hi")
            return {"statusCode": 200, "body": "fine"}

        def test_fails(apigw):
            fn = Function("F", handler=handler)
            api = HttpApi("Api", default_integration=LambdaProxyIntegration(handler=fn))
            url = apigw.deploy(api).url
            assert httpx.get(url + "/a").text == "fine"
            assert httpx.get(url + "/b").text == "something else"
    """))
    result = pytester.runpytest_subprocess("-p", "no:randomly")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines([
        "*apigw gateway log (call)*",
        "2 request(s) reached the gateway during this test",
        "GET /a  →  route '$default'*",
        "*the handler says hi*",
        "GET /b  →  route '$default'*",
    ])


def big(event, context):
    return {"statusCode": 200, "body": "x" * 1_000_000}


def test_a_big_result_is_kept_cut_in_the_log(apigw):
    """What the handler returned counts against the log's budget like the event: its body is
    kept cut, never whole."""
    from pytest_apigw.invocations import KEEP_CHARS

    api = HttpApi("Big", default_integration=LambdaProxyIntegration(handler=Function("Big", handler=big)))
    url = apigw.deploy(api).url
    mark = LOG.mark()
    assert len(httpx.get(url + "/").content) == 1_000_000
    (record,) = LOG.since(mark)
    assert len(record.result["body"]) <= KEEP_CHARS + 100
