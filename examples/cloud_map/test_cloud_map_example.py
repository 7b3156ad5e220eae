"""The CDK README's Cloud Map example: a private integration to the instances of a service,
discovered per request, optionally filtered by instance attributes.

Run it: ``pytest examples/cloud_map``.
"""

from __future__ import annotations

import httpx

from pytest_apigw import HttpApi, HttpServiceDiscoveryIntegration, PrivateDnsNamespace, Vpc, VpcLink


def cloud_map_api(ports: dict[str, int]) -> HttpApi:
    """The CDK README's snippet; two instances registered with a ``version`` attribute."""
    vpc = Vpc("VPC")
    vpc_link = VpcLink("VpcLink", vpc=vpc)
    namespace = PrivateDnsNamespace("Namespace", name="boobar.com", vpc=vpc)
    service = namespace.create_service("Service")
    for version, port in ports.items():
        service.register_ip_instance(version, ipv4="127.0.0.1", port=port,
                                     custom_attributes={"version": version})
    api = HttpApi("HttpProxyPrivateApi",
                  default_integration=HttpServiceDiscoveryIntegration(vpc_link=vpc_link, service=service))
    api.add_routes(path="/v2", integration=HttpServiceDiscoveryIntegration(
        vpc_link=vpc_link, service=service, attribute_filters={"version": "v2"}))
    return api


def test_requests_reach_every_instance(apigw, loopback_targets):
    deployment = apigw.deploy(cloud_map_api(loopback_targets("v1", "v2")))
    served = {httpx.get(f"{deployment.url}/anything").json()["target"] for _ in range(4)}
    assert served == {"v1", "v2"}


def test_attribute_filters_pick_instances(apigw, loopback_targets):
    deployment = apigw.deploy(cloud_map_api(loopback_targets("v1", "v2")))
    assert {httpx.get(f"{deployment.url}/v2").json()["target"] for _ in range(4)} == {"v2"}
