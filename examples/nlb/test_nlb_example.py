"""The CDK README's Network Load Balancer example: an NLB balances connections, so every request of
one client connection reaches the same target; new connections are spread.

Run it: ``pytest examples/nlb``.
"""

from __future__ import annotations

import httpx

from pytest_apigw import HttpApi, HttpNlbIntegration, IpTarget, NetworkLoadBalancer, Vpc


def nlb_api(ports: list[int]) -> HttpApi:
    """The CDK README's snippet with an NLB."""
    vpc = Vpc("VPC")
    lb = NetworkLoadBalancer("lb", vpc=vpc)
    listener = lb.add_listener("listener", port=80)
    listener.add_targets("target", port=80, targets=[IpTarget("127.0.0.1", port) for port in ports])
    return HttpApi("HttpProxyPrivateApi", default_integration=HttpNlbIntegration(listener=listener))


def test_one_connection_one_target(apigw, loopback_targets):
    ports = loopback_targets("blue", "green")
    deployment = apigw.deploy(nlb_api(list(ports.values())))
    with httpx.Client() as first, httpx.Client() as second:
        a = {first.get(f"{deployment.url}/ping").json()["target"] for _ in range(4)}
        b = {second.get(f"{deployment.url}/ping").json()["target"] for _ in range(4)}
    assert len(a) == len(b) == 1  # each keep-alive connection stays on its target
    assert a | b == {"blue", "green"}  # the two connections went to different targets
