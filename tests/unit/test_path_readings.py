"""Paths with reserved characters, empty segments and trailing slashes: the strategies draw
them, and the model accepts each reading the docs leave open."""

from __future__ import annotations

from urllib.parse import unquote

from hypothesis import given, settings
from hypothesis import strategies as st

from pytest_apigw import Function, HttpApi, LambdaProxyIntegration
from pytest_apigw.contract.model import predict
from pytest_apigw.contract.model.predict import routing_readings
from pytest_apigw.strategies import HttpRequest, path_segments, requests_for


def _api() -> HttpApi:
    integration = LambdaProxyIntegration(handler=Function("F", handler=lambda e, c: None))
    api = HttpApi("Paths")
    api.add_routes(path="/pets/{id}", methods=["GET"], integration=integration)
    api.add_routes(path="/pets", methods=["GET"], integration=integration)
    return api


def test_readings_of_an_ambiguous_path():
    assert routing_readings("/pets/a%2Fb") == ["/pets/a/b"]
    assert routing_readings("/pets/x/") == ["/pets/x"]
    assert routing_readings("/a//b%2fc/") == ["/a//b/c/", "/a/b%2fc", "/a/b/c"]
    assert routing_readings("/pets/7") == []


def test_an_encoded_slash_is_a_value_or_a_separator():
    prediction = predict(_api(), HttpRequest("GET", "/pets/a%2Fb"), host="h")
    assert prediction.route_key == "GET /pets/{id}"
    assert prediction.selection.params_for("GET /pets/{id}") == {"id": "a/b"}
    assert [a.response.status for a in prediction.alternatives] == [404]


def test_a_trailing_slash_may_or_may_not_match():
    prediction = predict(_api(), HttpRequest("GET", "/pets/"), host="h")
    assert prediction.route_key is None and prediction.response.status == 404
    assert [a.route_key for a in prediction.alternatives] == ["GET /pets"]


@settings(max_examples=50, deadline=None)
@given(st.data())
def test_reserved_characters_stay_inside_their_segment(data):
    segment = data.draw(path_segments(reserved=True))
    assert "/" not in segment and "?" not in segment and "#" not in segment
    assert unquote(segment)


def test_requests_for_draws_awkward_paths():
    seen = {"reserved": False, "empty": False, "trailing": False}

    @settings(max_examples=120, deadline=None, database=None, derandomize=True)
    @given(requests_for(_api(), stage="$default", awkward=True))
    def collect(request):
        path = request.path
        seen["reserved"] |= any(code in path.upper() for code in ("%2F", "%3F", "%23", "%25"))
        seen["empty"] |= "//" in path
        seen["trailing"] |= len(path) > 1 and path.endswith("/")

    collect()
    assert all(seen.values()), seen
