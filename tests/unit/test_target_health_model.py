"""The target-health model: healthy targets only, AWS's all-down answers, route ties."""

from __future__ import annotations

from pytest_apigw.contract.model import predict
from pytest_apigw.contract.model.expect import OneOf
from pytest_apigw.contract.model.target_health import ALB_ALL_DOWN, ALL_DOWN, with_health
from pytest_apigw.spec import (
    ApplicationLoadBalancer,
    HttpAlbIntegration,
    HttpApi,
    HttpNlbIntegration,
    IpTarget,
    NetworkLoadBalancer,
    Vpc,
)
from pytest_apigw.strategies import HttpRequest

UP, DOWN = ("127.0.0.1", 1001), ("127.0.0.1", 1002)


def _listener(kind: type, *targets: tuple[str, int]) -> object:
    listener = kind("Lb", vpc=Vpc("Vpc")).add_listener("L", port=80)
    listener.add_targets("T", port=80, targets=[IpTarget(*t) for t in targets])
    return listener


def test_only_healthy_targets_are_predicted():
    listener = _listener(ApplicationLoadBalancer, UP, DOWN)
    api = HttpApi("A", default_integration=HttpAlbIntegration(listener=listener))
    prediction = with_health(predict(api, HttpRequest("GET", "/x"), host="h"), {"127.0.0.1:1002"})
    assert prediction.response is None
    assert prediction.expected_input["target"] == OneOf(("127.0.0.1:1001",), "one of the healthy targets")


def test_all_down_is_the_albs_502_or_the_gateways_503():
    down = {"127.0.0.1:1002"}
    alb = HttpApi("A", default_integration=HttpAlbIntegration(
        listener=_listener(ApplicationLoadBalancer, DOWN)))
    nlb = HttpApi("N", default_integration=HttpNlbIntegration(listener=_listener(NetworkLoadBalancer, DOWN)))
    assert with_health(predict(alb, HttpRequest("GET", "/x"), host="h"), down).response is ALB_ALL_DOWN
    assert with_health(predict(nlb, HttpRequest("GET", "/x"), host="h"), down).response is ALL_DOWN


def test_a_route_tie_with_one_side_all_down_allows_both_answers():
    api = HttpApi("T")
    api.add_routes(path="/{a+}", methods=["GET"],
                   integration=HttpNlbIntegration(listener=_listener(NetworkLoadBalancer, UP)))
    api.add_routes(path="/{b+}", methods=["GET"],
                   integration=HttpNlbIntegration(listener=_listener(NetworkLoadBalancer, DOWN)))
    prediction = with_health(predict(api, HttpRequest("GET", "/0"), host="h"), {"127.0.0.1:1002"})
    assert list(prediction.inputs) == ["GET /{a+}"]
    assert [p.response for p in prediction.alternatives] == [ALL_DOWN]
