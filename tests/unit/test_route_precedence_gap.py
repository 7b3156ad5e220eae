"""The ``http.routing.precedence`` gap (MiniStack ranks matching routes its own way) excuses the
selected route and its bindings only, and only when several routes matched the request."""

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
