"""``AWS::ServiceDiscovery::*`` → namespace, service and instance specs.

A service's instances are its ``AWS::ServiceDiscovery::Instance`` resources, unless
``upstreams=`` names the service: then one instance per loopback URL is registered instead.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pytest_apigw.spec import PrivateDnsNamespace, Service
from pytest_apigw.templates.intrinsics import scalar_text

if TYPE_CHECKING:
    from pytest_apigw.templates.build import Build

NAMESPACES = (
    "AWS::ServiceDiscovery::PrivateDnsNamespace",
    "AWS::ServiceDiscovery::HttpNamespace",
    "AWS::ServiceDiscovery::PublicDnsNamespace",
)
SERVICE = "AWS::ServiceDiscovery::Service"
INSTANCE = "AWS::ServiceDiscovery::Instance"


def namespace(build: Build, logical_id: str) -> PrivateDnsNamespace:
    """The namespace spec of a Cloud Map namespace resource."""
    return build.once("namespace", logical_id, lambda: PrivateDnsNamespace(
        logical_id, name=str(build.props(logical_id).get("Name") or logical_id), vpc=build.vpc))


def service(build: Build, logical_id: str) -> Service:
    """The service spec of an ``AWS::ServiceDiscovery::Service`` resource, with its instances."""
    return build.once("service", logical_id, lambda: _service(build, logical_id))


def _service(build: Build, logical_id: str) -> Service:
    props = build.props(logical_id)
    ns_value = props.get("NamespaceId") or (props.get("DnsConfig") or {}).get("NamespaceId")
    ns_id = build.owner(ns_value, *NAMESPACES)
    if ns_id is None:
        raise build.error(logical_id, "NamespaceId", f"{ns_value!r} is not a namespace of this template")
    spec = namespace(build, ns_id).create_service(logical_id, name=props.get("Name"))
    endpoints = build.upstreams.endpoints_for(build.keys(logical_id))
    if endpoints is not None:
        for index, (ip, port) in enumerate(endpoints):
            spec.register_ip_instance(f"{logical_id}-{index}", ipv4=ip, port=port)
        return spec
    for instance_id in build.of_type(INSTANCE):
        instance = build.props(instance_id)
        if build.owner(instance.get("ServiceId"), SERVICE) != logical_id:
            continue
        attributes = {str(k): scalar_text(v) for k, v in (instance.get("InstanceAttributes") or {}).items()}
        ip, port = attributes.pop("AWS_INSTANCE_IPV4", None), attributes.pop("AWS_INSTANCE_PORT", "80")
        if ip is None:
            raise build.error(instance_id, "InstanceAttributes", "needs AWS_INSTANCE_IPV4 to be reached")
        spec.register_ip_instance(str(instance.get("InstanceId") or instance_id), ipv4=ip, port=int(port),
                                  custom_attributes=attributes)
    return spec
