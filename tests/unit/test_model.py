"""The reference model against hand-written cases taken from AWS's docs and recorded events."""

from __future__ import annotations

import base64

import pytest

from pytest_apigw.contract.model import (
    ABSENT,
    PRESENT,
    UNSPECIFIED,
    OneOf,
    compare,
    predict,
    response_v1,
    response_v2,
    select_route,
    select_stage,
    select_websocket_route,
)
from pytest_apigw.spec import HttpApi, HttpMethod, HttpStage, LambdaProxyIntegration
from pytest_apigw.strategies import HttpRequest

DOCS_ROUTES = ["GET /pets/dog/{id}", "GET /pets/{proxy+}", "ANY /{proxy+}", "$default"]


@pytest.mark.parametrize(("method", "path", "route", "params"), [
    # http-api-develop-routes.md, "Routing API requests": the example table.
    ("GET", "/pets/dog/1", "GET /pets/dog/{id}", {"id": "1"}),
    ("GET", "/pets/cat/1", "GET /pets/{proxy+}", {"proxy": "cat/1"}),
    ("POST", "/test/5", "ANY /{proxy+}", {"proxy": "test/5"}),
    # A greedy variable catches child resources only: "/" falls to $default.
    ("GET", "/", "$default", {}),
])
def test_docs_routing_table(method, path, route, params):
    selection = select_route(DOCS_ROUTES, method, path)
    assert selection.candidates == ((route, params),)


def test_literal_beats_parameter_and_any_serves_undefined_methods():
    keys = ["GET /pets/{id}", "GET /pets/dog", "ANY /pets/dog", "POST /pets/{id}"]
    assert select_route(keys, "GET", "/pets/dog").key == "GET /pets/dog"
    assert select_route(keys, "POST", "/pets/dog").key == "ANY /pets/dog"
    assert select_route(keys, "POST", "/pets/cat").candidates == (("POST /pets/{id}", {"id": "cat"}),)
    assert select_route(keys, "DELETE", "/pets/cat").key is None


def test_longest_greedy_prefix_wins_and_path_parameters_are_decoded():
    keys = ["ANY /{proxy+}", "GET /files/{rest+}"]
    selection = select_route(keys, "GET", "/files/a%20b/%C3%A9")
    assert selection.candidates == (("GET /files/{rest+}", {"rest": "a b/é"}),)
    assert select_route(keys, "GET", "/files").key == "ANY /{proxy+}"


def test_same_shape_routes_tie():
    selection = select_route(["GET /{a}", "GET /{b}"], "GET", "/x")
    assert set(selection.keys) == {"GET /{a}", "GET /{b}"}
    assert "tie" in selection.rule


def test_no_route_is_404():
    assert select_route(["GET /a"], "GET", "/b").candidates == ()


def test_stage_selection():
    # http-api-develop-routes.md: explicit stage, else $default, else Not Found.
    assert select_stage(["$default", "dev"], "/dev/pets") == ("dev", "/pets")
    assert select_stage(["$default", "dev"], "/dev") == ("dev", "/")
    assert select_stage(["$default", "dev"], "/devx/pets") == ("$default", "/devx/pets")
    assert select_stage(["dev"], "/pets") is None


def _echo_api(version: str = "2.0") -> HttpApi:
    api = HttpApi("M", create_default_stage=False)
    HttpStage("D", http_api=api, stage_name="$default")
    HttpStage("Dev", http_api=api, stage_name="dev", stage_variables={"v": "1"})
    integration = LambdaProxyIntegration(handler=lambda e, c: e, payload_format_version=version)
    api.add_routes(path="/pets/{id}", methods=[HttpMethod.GET], integration=integration)
    return api


def test_v2_event_matches_the_recorded_aws_event_shape():
    # aws-lambda-go events/testdata/apigw-v2-request-no-authorizer.json: nothing to carry, no key.
    request = HttpRequest("GET", "/dev/pets/%C3%A9", headers=(("X-A", "1"), ("x-a", "2")),
                          query=(("q", "1"), ("q", "2")), cookies=("a=1; b=2",))
    event = predict(_echo_api(), request, host="h:1", api_id="abc").expected_input
    assert event["rawPath"] == "/dev/pets/é"
    assert event["routeKey"] == "GET /pets/{id}"
    assert event["requestContext"]["stage"] == "dev"
    assert event["pathParameters"] == {"id": "é"}
    assert event["stageVariables"] == {"v": "1"}
    assert event["headers"]["x-a"] == "1,2"
    assert event["headers"]["content-length"] == "0"
    assert event["headers"]["cookie"] is ABSENT
    assert event["cookies"] == ["a=1", "b=2"]
    assert event["queryStringParameters"] == {"q": "1,2"}
    assert event["body"] is ABSENT and event["isBase64Encoded"] is False


def test_v1_event_uses_null_and_last_values():
    request = HttpRequest("GET", "/pets/1", query=(("q", "1"), ("q", "2")))
    event = predict(_echo_api("1.0"), request, host="h", api_id=None).expected_input
    assert event["queryStringParameters"] == {"q": "2"}
    assert event["multiValueQueryStringParameters"] == {"q": ["1", "2"]}
    assert event["stageVariables"] is None and event["body"] is None
    assert event["requestContext"]["apiId"] is PRESENT


def test_binary_bodies_are_base64():
    request = HttpRequest("POST", "/x", content_type="application/octet-stream", body=b"\x00\x01")
    api = HttpApi("B", default_integration=LambdaProxyIntegration(handler=lambda e, c: e))
    event = predict(api, request, host="h").expected_input
    assert event["isBase64Encoded"] is True
    assert base64.b64decode(event["body"]) == b"\x00\x01"


def test_response_v2_inference_from_the_docs_table():
    # http-api-develop-integrations-lambda.md, "Lambda function response for format 2.0".
    inferred = response_v2({"message": "Hello from Lambda!"})
    assert inferred.status == 200 and inferred.headers == {"content-type": "application/json"}
    assert isinstance(response_v2("Hello from Lambda!").body, OneOf)
    full = response_v2({"statusCode": 201, "cookies": ["a=1", "b=2"], "body": "x"})
    assert (full.status, full.set_cookies, full.body) == (201, ["a=1", "b=2"], b"x")


def test_response_v1_requires_status_code():
    assert response_v1({"body": "x"}).status == 500
    multi = response_v1({"statusCode": 200, "headers": {"x": "1"}, "multiValueHeaders": {"x": ["2", "3"]}})
    # recorded on HTTP APIs: every value, the single one first; no content type: text/plain
    assert multi.headers == {"x": "1,2,3", "content-type": "text/plain; charset=utf-8"}


def test_compare_markers():
    assert compare({"a": PRESENT, "b": ABSENT, "c": UNSPECIFIED}, {"a": 1}) == []
    assert [d.where for d in compare({"a": PRESENT, "b": ABSENT}, {"b": 1})] == ["a", "b"]
    assert compare(OneOf((1, 2)), 2) == []
    assert compare({"x": True}, {"x": 1})  # types matter: True is not 1


def test_websocket_route_selection():
    keys = ["send", "$default", "$connect"]
    assert select_websocket_route(keys, "$request.body.action", '{"action": "send"}') == "send"
    assert select_websocket_route(keys, "$request.body.action", '{"action": "nope"}') == "$default"
    assert select_websocket_route(keys, "$request.body.action", "not json") == "$default"
    assert select_websocket_route(keys, "$request.body.action", '{"action": "$connect"}') == "$default"
    assert select_websocket_route(["send"], "$request.body.action", "x") is None
