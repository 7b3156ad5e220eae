"""The CDK README's Application Load Balancer example: a private integration spreading requests
round robin over the listener's targets, each a small ``http.server`` on 127.0.0.1.

Run it: ``pytest examples/alb``.
"""

from __future__ import annotations

from collections import Counter

import httpx

from pytest_apigw import ApplicationLoadBalancer, HttpAlbIntegration, HttpApi, HttpStage, IpTarget, Vpc


def alb_api(ports: list[int]) -> HttpApi:
    """The CDK README's snippet: VPC, ALB, listener on 80, targets; the ALB is the default integration."""
    vpc = Vpc("VPC")
    lb = ApplicationLoadBalancer("lb", vpc=vpc)
    listener = lb.add_listener("listener", port=80)
    listener.add_targets("target", port=80, targets=[IpTarget("127.0.0.1", port) for port in ports])
    api = HttpApi("HttpProxyPrivateApi", default_integration=HttpAlbIntegration(listener=listener))
    HttpStage("Prod", http_api=api, stage_name="prod")
    return api


def test_requests_are_spread_round_robin(apigw, loopback_targets):
    deployment = apigw.deploy(alb_api(list(loopback_targets("t1", "t2", "t3").values())))
    with httpx.Client() as client:
        served = Counter(client.get(f"{deployment.url}/orders").json()["target"] for _ in range(9))
    assert served == {"t1": 3, "t2": 3, "t3": 3}


def test_the_stage_segment_reaches_the_targets(apigw, loopback_targets):
    deployment = apigw.deploy(alb_api(list(loopback_targets("t1", "t2", "t3").values())))
    assert httpx.get(f"{deployment.url}/prod/orders/7").json()["path"] == "/prod/orders/7"
