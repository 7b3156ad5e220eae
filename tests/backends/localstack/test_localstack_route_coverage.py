"""Route coverage on the localstack backend against MiniStack, seen from the outside (pytester).

MiniStack writes no access log, so the counts come from the requests sent through the
deployment's own clients (``deployment.client()``, ``deployment.ws_connect()``), attributed to
routes by the reference model; a request made with another client is not seen, and the report
says so beside the counts.
"""

from __future__ import annotations

import json
import textwrap
from html.parser import HTMLParser

import pytest

from pytest_apigw.coverage.client_side import SOURCE

#: Books: GET /books and GET /books/{id} through the deployment's client, one request no route
#: matches, POST /books only through a plain httpx call (not seen). Chat: $connect, one
#: ``sendmessage`` message and $disconnect through ``ws_connect``; $default never.
SUITE = textwrap.dedent(
    """
    import httpx
    from pytest_apigw import (Function, HttpApi, HttpMethod, LambdaProxyIntegration,
                              LambdaWebSocketIntegration, WebSocketApi, WebSocketStage)

    def ok(event, context):
        return {"statusCode": 200, "body": "ok"}

    def books_api():
        api = HttpApi("Books")
        fn = LambdaProxyIntegration(handler=Function("Ok", handler=ok))
        api.add_routes(path="/books", methods=[HttpMethod.GET, HttpMethod.POST], integration=fn)
        api.add_routes(path="/books/{id}", methods=[HttpMethod.GET], integration=fn)
        return api

    def test_books(apigw):
        deployment = apigw.deploy(books_api())
        with deployment.client(timeout=30) as client:
            assert client.get("/books").status_code == 200
            assert client.get("/books/1").status_code == 200
            assert client.get("/nothing/here").status_code == 404
        assert httpx.post(deployment.url + "/books", timeout=30).status_code == 200  # not seen

    def test_chat(apigw):
        handler = LambdaWebSocketIntegration(handler=Function("Ws", handler=ok))
        api = WebSocketApi("Chat", connect_route_options=handler, disconnect_route_options=handler,
                           default_route_options=handler)
        WebSocketStage("Dev", web_socket_api=api, stage_name="dev", auto_deploy=True)
        api.add_route("sendmessage", integration=handler)
        deployment = apigw.deploy(api)
        with deployment.ws_connect() as ws:
            ws.send_json({"action": "sendmessage"})
    """
)


def run(pytester, ministack, *args):
    pytester.makepyfile(test_suite=SUITE)
    return pytester.runpytest_subprocess(
        "--apigw=localstack", f"--apigw-endpoint={ministack.url}", "--apigw-no-conformance",
        "-p", "no:randomly", *args,
    )


def comparable(report):
    """The JSON report without what differs run to run (API ids)."""
    for api in report["apis"].values():
        api.pop("api_ids")
    return report


class _Sections(HTMLParser):
    """Each API section's data attributes and its route rows."""

    def __init__(self) -> None:
        super().__init__()
        self.sections: dict[str, dict] = {}
        self._api = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "section":
            self._api = attrs["data-api"]
            self.sections[self._api] = {**attrs, "rows": []}
        elif tag == "tr" and "route" in attrs.get("class", "").split():
            self.sections[self._api]["rows"].append(
                (attrs["data-route-key"], attrs["data-requests"]))


def test_summary_json_and_html_count_requests_through_the_fixtures_clients_with_and_without_xdist(
    pytester, ministack
):
    """One session in one process (summary, JSON, HTML), then the same under xdist: the same JSON.
    (One test for both: each session provisions the two APIs on MiniStack again.)"""
    result = run(pytester, ministack, "--apigw-coverage", "--apigw-coverage-report=cov.json",
                 "--apigw-coverage-report=cov.html")
    assert result.ret == pytest.ExitCode.OK, result.stdout.str()
    result.stdout.fnmatch_lines([
        "*- apigw route coverage: 71.4% -*",
        "HttpApi 'Books' (1 deployment): 2/3 routes requested (66.7%); 1 request matched no route",
        f"  counted from: {SOURCE}",
        "  POST /books      NEVER  -      AWS_PROXY",
        "  GET /books       1      2xx:1  AWS_PROXY",
        "  GET /books/{id}  1      2xx:1  AWS_PROXY",
        "WebSocketApi 'Chat' (1 deployment): 3/4 routes requested (75.0%)",
        f"  counted from: {SOURCE}",
        "  $default     NEVER*",
        "  $connect     1      2xx:1*",
        "  $disconnect  1      -*",
        "  sendmessage  1      -*",
        "TOTAL 5/7 routes requested (71.4%)",
    ])
    report = json.loads((pytester.path / "cov.json").read_text())
    assert report["totals"] == {"covered": 5, "routes": 7, "percent": 71.43}
    assert report["not_collected"] == {}
    books = report["apis"]["Books"]
    assert books["sources"] == [SOURCE]
    assert [(r["route_key"], r["requests"], r["statuses"]) for r in books["routes"]] == [
        ("POST /books", 0, {}), ("GET /books", 1, {"2xx": 1}), ("GET /books/{id}", 1, {"2xx": 1})]
    assert books["unmatched"] == {"requests": 1, "statuses": {"4xx": 1}}
    parser = _Sections()
    parser.feed((pytester.path / "cov.html").read_text())
    assert parser.sections["Books"]["data-sources"] == SOURCE
    assert parser.sections["Books"]["rows"] == [("POST /books", "0"), ("GET /books", "1"),
                                                ("GET /books/{id}", "1")]
    assert parser.sections["Chat"]["rows"][0] == ("$default", "0")
    assert (parser.sections["Chat"]["data-covered"], parser.sections["Chat"]["data-total"]) == ("3", "4")

    distributed = run(pytester, ministack, "-n", "2", "--apigw-coverage-report=xdist.json",
                      "--apigw-coverage-fail-under=70")
    assert distributed.ret == pytest.ExitCode.OK, distributed.stdout.str()
    distributed.stdout.fnmatch_lines(["*2 workers*", "Required apigw route coverage of 70% reached*"])
    assert comparable(report) == comparable(json.loads((pytester.path / "xdist.json").read_text()))
    assert report["apis"]["Chat"]["sources"] == [SOURCE]
