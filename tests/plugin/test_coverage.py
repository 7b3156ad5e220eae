"""Route coverage seen from the outside: pytester runs that deploy APIs, exercise part of them and
read the terminal summary, the JSON report and the HTML page, with and without pytest-xdist."""

from __future__ import annotations

import json
import textwrap
from html.parser import HTMLParser

import pytest

#: Two APIs; the tests below leave POST /books, DELETE /books/{id} and the WebSocket $default
#: route unrequested, send one request no route matches, and hit the authorized route both ways.
SUITE = textwrap.dedent(
    """
    import json
    import time

    import httpx
    import pytest
    from pytest_apigw import (Function, HttpApi, HttpLambdaAuthorizer, HttpLambdaResponseType,
                              HttpMethod, LambdaProxyIntegration, LambdaWebSocketIntegration,
                              WebSocketApi, WebSocketStage)

    def ok(event, context):
        return {"statusCode": 200, "body": "ok"}

    def authorize(event, context):
        return {"isAuthorized": event["headers"].get("authorization") == "secret"}

    def books_api():
        api = HttpApi("Books")
        fn = LambdaProxyIntegration(handler=Function("Ok", handler=ok))
        auth = HttpLambdaAuthorizer("Auth", Function("AuthFn", handler=authorize), results_cache_ttl=0,
                                    response_types=[HttpLambdaResponseType.SIMPLE])
        api.add_routes(path="/books", methods=[HttpMethod.GET, HttpMethod.POST], integration=fn)
        api.add_routes(path="/books/{id}", methods=[HttpMethod.GET], integration=fn, authorizer=auth)
        api.add_routes(path="/books/{id}", methods=[HttpMethod.DELETE], integration=fn)
        return api

    @pytest.fixture
    def books(apigw):
        return apigw.deploy(books_api())

    def test_list(books):
        assert httpx.get(books.url + "/books").status_code == 200

    def test_get_allowed(books):
        assert httpx.get(books.url + "/books/1", headers={"authorization": "secret"}).status_code == 200

    def test_get_refused(books):
        assert httpx.get(books.url + "/books/2", headers={"authorization": "nope"}).status_code == 403

    def test_nothing_there(books):
        assert httpx.get(books.url + "/nothing").status_code == 404

    def test_chat(apigw):
        handler = LambdaWebSocketIntegration(handler=ok)
        api = WebSocketApi("Chat", connect_route_options=handler, disconnect_route_options=handler,
                           default_route_options=handler)
        WebSocketStage("Dev", web_socket_api=api, stage_name="dev", auto_deploy=True)
        api.add_route("sendmessage", integration=handler)
        deployment = apigw.deploy(api)
        with deployment.ws_connect() as ws:
            ws.send_json({"action": "sendmessage"})
    """
)


def run(pytester, *args):
    pytester.makepyfile(test_suite=SUITE)
    return pytester.runpytest_subprocess("-p", "no:randomly", *args)


def comparable(report):
    """The JSON report without what differs run to run (API ids)."""
    for api in report["apis"].values():
        api.pop("api_ids")
    return report


def test_summary_lists_never_requested_routes_first(pytester):
    result = run(pytester, "--apigw-coverage")
    assert result.ret == pytest.ExitCode.OK
    result.stdout.fnmatch_lines([
        "*- apigw route coverage: 62.5% -*",
        "HttpApi 'Books' (4 deployments): 2/4 routes requested (50.0%); 1 request matched no route",
        "  DELETE /books/{id}  NEVER  -*AWS_PROXY",
        "  POST /books         NEVER  -*AWS_PROXY",
        "  GET /books          1      2xx:1*AWS_PROXY",
        "  GET /books/{id}     2      2xx:1 4xx:1  AWS_PROXY  HttpLambdaAuthorizer allowed 1 / refused 1",
        "WebSocketApi 'Chat' (1 deployment): 3/4 routes requested (75.0%)",
        "  $default     NEVER*",
        "  $connect     1*",
        "  $disconnect  1*",
        "  sendmessage  1*",
        "TOTAL 5/8 routes requested (62.5%)",
    ])


def test_json_report_is_the_same_with_and_without_xdist(pytester):
    plain = run(pytester, "--apigw-coverage-report=reports/plain.json")
    assert plain.ret == pytest.ExitCode.OK
    plain.stdout.fnmatch_lines(["apigw route coverage report written to *reports/plain.json"])
    distributed = run(pytester, "-n", "2", "--apigw-coverage-report=reports/xdist.json")
    assert distributed.ret == pytest.ExitCode.OK
    distributed.stdout.fnmatch_lines(["*2 workers*"])
    report = json.loads((pytester.path / "reports/plain.json").read_text())
    assert len(report["apis"]["Books"]["api_ids"]) == 4
    assert comparable(report) == comparable(json.loads((pytester.path / "reports/xdist.json").read_text()))
    assert report["totals"] == {"covered": 5, "routes": 8, "percent": 62.5}
    books = report["apis"]["Books"]
    assert [r["route_key"] for r in books["routes"]] == [
        "DELETE /books/{id}", "POST /books", "GET /books", "GET /books/{id}"]
    guarded = books["routes"][3]
    assert guarded == {"route_key": "GET /books/{id}", "integration": "AWS_PROXY",
                       "construct": "LambdaProxyIntegration", "authorizer": "HttpLambdaAuthorizer",
                       "requests": 2, "statuses": {"2xx": 1, "4xx": 1}, "allowed": 1, "refused": 1}
    assert books["unmatched"] == {"requests": 1, "statuses": {"4xx": 1}}
    assert books["routes"][0]["allowed"] is None  # no authorizer on that route
    chat = report["apis"]["Chat"]
    assert (chat["kind"], chat["covered"], chat["total"]) == ("WebSocketApi", 3, 4)
    assert report["not_collected"] == {}


class _Rows(HTMLParser):
    """The totals and every route row's data attributes, per API section."""

    def __init__(self) -> None:
        super().__init__()
        self.totals: dict[str, str] = {}
        self.sections: dict[str, list[dict[str, str]]] = {}
        self.external: list[str] = []
        self._api = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.external += [v for k, v in attrs.items() if k in ("src", "href") and v]
        if tag == "section":
            self._api = attrs["data-api"]
            self.sections[self._api] = []
        elif tag == "tr" and "route" in attrs.get("class", "").split():
            self.sections[self._api].append(attrs)
        elif attrs.get("id") == "totals":
            self.totals = attrs


def test_html_report_is_one_self_contained_page(pytester):
    result = run(pytester, "-n", "2", "--apigw-coverage-report=cov.html")
    assert result.ret == pytest.ExitCode.OK
    page = (pytester.path / "cov.html").read_text()
    parser = _Rows()
    parser.feed(page)
    assert parser.external == []  # nothing fetched from elsewhere
    assert (parser.totals["data-covered"], parser.totals["data-total"]) == ("5", "8")
    books = parser.sections["Books"]
    assert [(r["data-route-key"], r["data-requests"], r["data-requested"]) for r in books] == [
        ("DELETE /books/{id}", "0", "false"), ("POST /books", "0", "false"),
        ("GET /books", "1", "true"), ("GET /books/{id}", "2", "true")]
    assert [r["class"] for r in books] == ["route never", "route never", "route covered", "route covered"]
    assert [r["data-route-key"] for r in parser.sections["Chat"]][0] == "$default"
    assert "<title>apigw route coverage: 62.5%</title>" in page


def test_fail_under_fails_the_session_as_coverage_py_does(pytester):
    result = run(pytester, "--apigw-coverage-fail-under=90")
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines([
        "FAIL Required apigw route coverage of 90% not reached. Total route coverage: 62.50%",
        "*5 passed*",
    ])
    result = run(pytester, "-n", "2", "--apigw-coverage-fail-under=62.5")
    assert result.ret == pytest.ExitCode.OK
    result.stdout.fnmatch_lines(
        ["Required apigw route coverage of 62.5% reached. Total route coverage: 62.50%"]
    )


def test_a_failing_test_keeps_its_exit_code_under_fail_under(pytester):
    pytester.makepyfile(test_broken="def test_broken():\n    assert False\n")
    result = run(pytester, "--apigw-coverage-fail-under=0")
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(["Required apigw route coverage of 0% reached*"])


def test_the_ini_flag_prints_the_summary(pytester):
    pytester.makeini("[pytest]\napigw_coverage = true\n")
    result = run(pytester)
    result.stdout.fnmatch_lines(["*- apigw route coverage: 62.5% -*", "TOTAL 5/8 routes requested (62.5%)"])


def test_no_coverage_output_unless_asked(pytester):
    result = run(pytester)
    assert "apigw route coverage" not in result.stdout.str()


@pytest.mark.parametrize(
    ("option", "message"),
    [
        ("--apigw-coverage-report=cov.xml", "*must end in .json (JSON report) or .html (HTML page)*"),
        ("--apigw-coverage-fail-under=120", "*give a percentage from 0 to 100*"),
    ],
)
def test_bad_options_are_usage_errors(pytester, option, message):
    result = run(pytester, option)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([message])


def test_failing_test_report_shows_the_access_log_line(pytester):
    pytester.makepyfile(test_logged=textwrap.dedent(
        """
        import httpx
        from pytest_apigw import Function, HttpApi, HttpStage, LambdaProxyIntegration

        def teapot(event, context):
            return {"statusCode": 418, "body": "short and stout"}

        def test_logged(apigw):
            api = HttpApi("Pots", create_default_stage=False)
            HttpStage("Dev", http_api=api, stage_name="dev",
                      access_log_format="$context.requestId $context.routeKey $context.status")
            api.add_routes(path="/pot", methods=["GET"], integration=LambdaProxyIntegration(handler=teapot))
            deployment = apigw.deploy(api)
            response = httpx.get(deployment.url + "/pot")
            print("request id", response.headers["apigw-requestid"])
            assert response.status_code == 200
        """
    ))
    result = pytester.runpytest_subprocess("-p", "no:randomly", "test_logged.py")
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    request_id = next(line.split()[-1] for line in result.outlines if line.startswith("request id "))
    result.stdout.fnmatch_lines([
        "*apigw gateway log (call)*",
        "*GET /dev/pot*route 'GET /pot'*418*",
        "  access log:",
        f"    {request_id} GET /pot 418",
    ])


def test_the_conformance_suites_generated_apis_are_not_counted(pytester):
    result = run(pytester, "--apigw", "--apigw-coverage", "-k", "routing_example or test_list")
    assert result.ret == pytest.ExitCode.OK
    result.stdout.fnmatch_lines(["*test_routing_example.py*", "*- apigw route coverage: 25.0% -*"])
    summary = result.stdout.str().split("apigw route coverage", 1)[1]
    assert "HttpApi 'Books'" in summary
    assert summary.count("HttpApi '") == 1  # the docs' routing-table API deployed by the suite is not there
