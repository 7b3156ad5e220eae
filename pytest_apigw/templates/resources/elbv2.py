"""``AWS::ElasticLoadBalancingV2::*`` → load balancer, listener and target group specs.

A listener's targets are those of its target groups (``TargetType: ip``), unless ``upstreams=``
names the load balancer, the listener or a target group: then its loopback URLs are the targets.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pytest_apigw.spec import ApplicationLoadBalancer, IpTarget, NetworkLoadBalancer
from pytest_apigw.spec.network import Listener, LoadBalancer

if TYPE_CHECKING:
    from pytest_apigw.templates.build import Build

LOAD_BALANCER = "AWS::ElasticLoadBalancingV2::LoadBalancer"
LISTENER = "AWS::ElasticLoadBalancingV2::Listener"
TARGET_GROUP = "AWS::ElasticLoadBalancingV2::TargetGroup"


def load_balancer(build: Build, logical_id: str) -> LoadBalancer:
    """The ALB or NLB of a ``LoadBalancer`` resource (``Type: application`` or ``network``)."""

    def make() -> LoadBalancer:
        kind = str(build.props(logical_id).get("Type", "application"))
        if kind not in ("application", "network"):
            raise build.error(logical_id, "Type", f"a {kind!r} load balancer cannot front an HTTP API")
        cls = NetworkLoadBalancer if kind == "network" else ApplicationLoadBalancer
        return cls(logical_id, vpc=build.vpc)

    return build.once("load_balancer", logical_id, make)


def listener(build: Build, logical_id: str) -> Listener:
    """The listener spec of a ``Listener`` resource, with its targets."""
    return build.once("listener", logical_id, lambda: _listener(build, logical_id))


def _listener(build: Build, logical_id: str) -> Listener:
    props = build.props(logical_id)
    lb_id = build.owner(props.get("LoadBalancerArn"), LOAD_BALANCER)
    if lb_id is None:
        raise build.error(
            logical_id, "LoadBalancerArn", f"{props.get('LoadBalancerArn')!r} is not a load balancer of "
            "this template (an imported one cannot be reached locally)"
        )
    lb = load_balancer(build, lb_id)
    port = int(props.get("Port") or (443 if props.get("Protocol") in ("HTTPS", "TLS") else 80))
    spec = lb.add_listener(logical_id, port=port, protocol=_protocol(lb, props.get("Protocol")))
    group_ids = _target_groups(build, logical_id, props)
    override = build.upstreams.endpoints_for(build.keys(logical_id) | build.keys(lb_id))
    for group_id in group_ids:
        group_props = build.props(group_id)
        endpoints = build.upstreams.endpoints_for(build.keys(group_id)) or override
        if endpoints is None:
            endpoints = [(str(t["Id"]), int(t.get("Port") or group_props.get("Port") or port))
                         for t in group_props.get("Targets") or []]
        spec.add_targets(group_id, port=int(group_props.get("Port") or port),
                         targets=[IpTarget(ip, p) for ip, p in endpoints])
    if not group_ids and override:
        spec.add_targets(f"{logical_id}Targets", port=port, targets=[IpTarget(ip, p) for ip, p in override])
    return spec


def _protocol(lb: LoadBalancer, protocol: object) -> str | None:
    if protocol is None:
        return None
    return str(protocol) if str(protocol) in lb.listener_class.protocols else None


def _target_groups(build: Build, logical_id: str, props: dict) -> list[str]:
    arns: list[object] = []
    for action in props.get("DefaultActions") or []:
        arns.append(action.get("TargetGroupArn"))
        for group in ((action.get("ForwardConfig") or {}).get("TargetGroups")) or []:
            arns.append(group.get("TargetGroupArn"))
    found = []
    for arn in arns:
        group_id = build.owner(arn, TARGET_GROUP) if arn else None
        if group_id is not None and group_id not in found:
            found.append(group_id)
    return found
