"""Reading access-log lines back into route hits, and attributing client-side requests to routes
(no server: formats and lines rendered with the same renderer the embedded gateway uses)."""

from __future__ import annotations

import pytest

from pytest_apigw import (
    CorsPreflightOptions,
    Function,
    HttpApi,
    HttpMethod,
    LambdaProxyIntegration,
    LambdaWebSocketIntegration,
    WebSocketApi,
)
from pytest_apigw.access_log import HTTP_CLF_FORMAT, HTTP_JSON_FORMAT, WEBSOCKET_JSON_FORMAT, render
from pytest_apigw.client_events import ClientEvent
from pytest_apigw.coverage import route_log
from pytest_apigw.coverage.client_side import Hit, attribute, stage_path
from pytest_apigw.coverage.route_log import LogRecord

#: Values as the embedded gateway collects them for one request (AWS's variable names).
VALUES = {"requestId": "JK3Rnj8VoAMEb2Q=", "routeKey": "GET /books/{id}", "status": 403,
          "identity.sourceIp": "127.0.0.1", "requestTime": "02/Dec/2026:06:11:50 +0000",
          "httpMethod": "GET", "protocol": "HTTP/1.1", "responseLength": 23,
          "authorizer": {"error": "Forbidden"}}


@pytest.mark.parametrize("fmt", [route_log.FORMAT, HTTP_CLF_FORMAT, HTTP_JSON_FORMAT, WEBSOCKET_JSON_FORMAT])
def test_a_rendered_line_reads_back(fmt):
    record = route_log.parse_line(fmt, render(fmt, VALUES))
    error = "Forbidden" if "authorizer.error" in fmt else None
    assert record == LogRecord("GET /books/{id}", 403, "JK3Rnj8VoAMEb2Q=", error)


def test_no_route_and_no_value_read_as_none():
    line = render(HTTP_CLF_FORMAT, {**VALUES, "routeKey": None, "status": 404})
    assert '"GET - HTTP/1.1" 404' in line
    assert route_log.parse_line(HTTP_CLF_FORMAT, line) == LogRecord(None, 404, "JK3Rnj8VoAMEb2Q=", None)


def test_lines_of_another_shape_are_skipped():
    lines = [render(route_log.FORMAT, VALUES), "START RequestId: 1", render(route_log.FORMAT, VALUES)]
    assert len(list(route_log.read(route_log.FORMAT, lines))) == 2


def test_missing_names_what_a_format_lacks():
    assert route_log.missing(route_log.FORMAT, authorizers=True) == []
    assert route_log.missing(HTTP_CLF_FORMAT, authorizers=False) == []
    assert route_log.missing(HTTP_CLF_FORMAT, authorizers=True) == ["$context.authorizer.error"]
    assert route_log.missing("$context.requestId $context.status", authorizers=False) == ["$context.routeKey"]


def http_api() -> HttpApi:
    api = HttpApi("Books", cors_preflight=CorsPreflightOptions(allow_origins=["*"]))
    fn = LambdaProxyIntegration(handler=Function("Ok", handler=lambda e, c: None))
    api.add_routes(path="/books", methods=[HttpMethod.GET], integration=fn)
    api.add_routes(path="/books/{id}", methods=[HttpMethod.GET], integration=fn)
    api.add_routes(path="/files/{proxy+}", methods=[HttpMethod.ANY], integration=fn)
    return api


STAGES = {"$default": "http://127.0.0.1:4566/_aws/execute-api/abc/$default",
          "dev": "http://127.0.0.1:4566/_aws/execute-api/abc/dev"}


def test_stage_paths_are_cut_at_the_stage_url():
    assert stage_path(STAGES, STAGES["dev"] + "/books/1?x=1") == "/books/1"
    assert stage_path(STAGES, STAGES["dev"]) == "/"
    assert stage_path(STAGES, STAGES["dev"] + "x/books") is None  # another stage's name
    assert stage_path({"$default": "https://abc.example.com"}, "https://abc.example.com/books") == "/books"
    assert stage_path(STAGES, "http://127.0.0.1:9/_aws/execute-api/abc/dev/books") is None  # other host


@pytest.mark.parametrize(("method", "path", "headers", "hit"), [
    ("GET", "/books/7", (), Hit("GET /books/{id}", 200)),
    ("DELETE", "/files/a/b", (), Hit("ANY /files/{proxy+}", 200)),
    ("POST", "/books", (), Hit(None, 200)),
    ("OPTIONS", "/books", (("origin", "https://x"), ("access-control-request-method", "GET")), None),
])
def test_http_requests_are_attributed_with_the_models_routing(method, path, headers, hit):
    event = ClientEvent("http", STAGES["dev"] + path, method, 200, headers)
    assert attribute(http_api(), STAGES, event) == hit


def test_websocket_events_are_attributed_by_the_route_selection_expression():
    handler = LambdaWebSocketIntegration(handler=lambda e, c: None)
    api = WebSocketApi("Chat", connect_route_options=handler, default_route_options=handler)
    api.add_route("send", integration=handler)
    url = "ws://127.0.0.1:4566/_aws/execute-api/abc/dev"
    assert attribute(api, {}, ClientEvent("connect", url, status=101)) == Hit("$connect", 101)
    assert attribute(api, {}, ClientEvent("message", url, message='{"action":"send"}')) == Hit("send", None)
    assert attribute(api, {}, ClientEvent("message", url, message="hi")) == Hit("$default", None)
    assert attribute(api, {}, ClientEvent("message", url)) == Hit("$default", None)  # binary
    assert attribute(api, {}, ClientEvent("disconnect", url)) is None  # no $disconnect route
