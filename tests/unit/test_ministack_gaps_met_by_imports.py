"""MiniStack gaps the imported-template case met. ``http.routing.precedence`` (MiniStack ranks
matching routes its own way) excuses the selected route and its bindings only, and only when
several routes matched the request; the named-stage path gap covers a first segment ``$default``."""

from __future__ import annotations

from pytest_apigw import capabilities as cap
from pytest_apigw.contract.gaps import explains
from pytest_apigw.contract.model import predict
from pytest_apigw.contract.model.expect import Diff
from pytest_apigw.spec import HttpApi, LambdaProxyIntegration
from pytest_apigw.strategies import HttpRequest


def _prediction(path: str) -> object:
    api = HttpApi("Overlap")
    echo = LambdaProxyIntegration(handler=lambda event, context: event)
    api.add_routes(path="/{a+}", methods=["DELETE"], integration=echo)
    api.add_routes(path="/{b}/{c+}", methods=["ANY"], integration=echo)
    return predict(api, HttpRequest("DELETE", path), host="h")


def test_several_matching_routes_let_the_gap_excuse_the_route_fields():
    prediction = _prediction("/x/y")
    assert prediction.selection.matching == ("DELETE /{a+}", "ANY /{b}/{c+}")
    assert prediction.route_key == "ANY /{b}/{c+}"  # the longest fixed prefix
    for where in ("routeKey", "requestContext.routeKey", "pathParameters.a", "pathParameters"):
        assert explains(cap.ROUTE_PRECEDENCE, Diff(where, "ANY /{b}/{c+}", "DELETE /{a+}"), None, prediction)
    assert not explains(cap.ROUTE_PRECEDENCE, Diff("rawPath", "/x/y", "/x"), None, prediction)


def test_a_lone_match_has_nothing_to_rank():
    prediction = _prediction("/x")
    assert prediction.selection.matching == ("DELETE /{a+}",)
    assert not explains(cap.ROUTE_PRECEDENCE, Diff("routeKey", "DELETE /{a+}", "$default"), None, prediction)


def test_the_stage_path_gap_covers_a_first_segment_spelling_default():
    """MiniStack takes ``/$default/x`` (``%24default`` too) on the ``$default`` stage as a stage
    segment and drops it: the named-stage path gap excuses the path fields for such a request."""
    api = HttpApi("Root")
    api.add_routes(path="/{a+}", methods=["GET"], integration=LambdaProxyIntegration(handler=lambda e, c: e))
    request = HttpRequest("GET", "/%24default/x")
    prediction = predict(api, request, host="h")
    assert prediction.stage == "$default"
    assert explains(cap.STAGE_PATH, Diff("rawPath", "/$default/x", "/x"), request, prediction)
    plain = HttpRequest("GET", "/other/x")
    other = predict(api, plain, host="h")
    assert not explains(cap.STAGE_PATH, Diff("rawPath", "/other/x", "/x"), plain, other)
