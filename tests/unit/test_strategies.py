"""The public strategies produce what they promise: valid specs, requests aimed at routes."""

from __future__ import annotations

from urllib.parse import unquote

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pytest_apigw.contract.model import select_route
from pytest_apigw.spec import HttpApi, LambdaProxyIntegration
from pytest_apigw.spec.route_key import parse_route_key
from pytest_apigw.strategies import (
    HttpRequest,
    http_apis,
    http_requests,
    request_paths,
    requests_for,
    route_keys,
    route_tables,
    stage_layouts,
    websocket_messages,
)

INTEGRATION = LambdaProxyIntegration(handler=lambda e, c: e)

#: The project's own suite runs on loaded 2-core machines: no deadline, no too_slow check (the
#: strategies' speed is measured in benchmarks/, not asserted by a health check; under load a
#: first draw has taken 1.8 s and failed the check).
LOADED_MACHINE = {"deadline": None, "suppress_health_check": [HealthCheck.too_slow]}


@settings(**LOADED_MACHINE)
@given(route_keys())
def test_route_keys_parse_as_aws_accepts_them(key):
    parse_route_key("test", key)


@settings(**LOADED_MACHINE)
@given(route_tables())
def test_route_tables_are_unique_and_valid(keys):
    assert len(keys) == len(set(keys))
    for key in keys:
        parse_route_key("test", key)


@settings(max_examples=50, **LOADED_MACHINE)
@given(http_apis(integrations=st.just(INTEGRATION), stages=stage_layouts()))
def test_http_apis_build(api):
    assert isinstance(api, HttpApi) and api.routes and api.stages


@settings(**LOADED_MACHINE)
@given(request_paths())
def test_request_paths_are_ascii_without_empty_segments(path):
    assert path.isascii() and path.startswith("/")
    assert "//" not in path and (path == "/" or not path.endswith("/"))
    assert all(unquote(s) not in (".", "..") for s in path.split("/")[1:])


@settings(**LOADED_MACHINE)
@given(http_requests())
def test_bodies_only_on_body_methods(request):
    assert isinstance(request, HttpRequest)
    if request.method not in ("POST", "PUT", "PATCH"):
        assert request.body == b"" and request.content_type is None


def _api() -> HttpApi:
    api = HttpApi("Aim")
    api.add_routes(path="/pets/{id}", methods=["GET"], integration=INTEGRATION)
    api.add_routes(path="/files/{proxy+}", integration=INTEGRATION)
    return api


def test_requests_for_hits_every_route():
    """300 draws: each is a path starting with "/" (this once was a test of its own, drawing 200
    more from the same strategy and API), and together they hit every route and none."""
    api = _api()
    hit = set()

    @settings(max_examples=300, database=None, **LOADED_MACHINE)
    @given(requests_for(api, stage="$default"))
    def collect(request):
        assert request.path.startswith("/")
        hit.add(select_route(list(api.routes), request.method, request.path).key)

    collect()
    assert {"GET /pets/{id}", "ANY /files/{proxy+}", None} <= hit


def test_query_is_encoded_without_plus():
    request = HttpRequest("GET", "/", query=(("a b", "c+d"), ("a b", "")))
    assert request.query_string == "a%20b=c%2Bd&a%20b="
    assert request.target == "/?a%20b=c%2Bd&a%20b="


@settings(**LOADED_MACHINE)
@given(websocket_messages(route_keys=["send"]))
def test_websocket_messages_are_text(message):
    assert isinstance(message, str)
