"""VPCs, subnets, VPC links, and ALB / NLB load balancers with listeners and IP targets."""

from __future__ import annotations

import ipaddress
from typing import Any

from pytest_apigw.errors import DeployError, SpecError
from pytest_apigw.spec.network import ApplicationListener, Listener, Vpc, VpcLink
from pytest_apigw_localstack.translate.context import Context
from pytest_apigw_localstack.waits import poll

SUBNETS_PER_VPC = 2  # an ALB needs subnets in two availability zones


def _zones(ctx: Context) -> list[str]:
    try:
        zones = ctx.clients.ec2.describe_availability_zones()["AvailabilityZones"]
        names = sorted(z["ZoneName"] for z in zones if z.get("State", "available") == "available")
    except Exception:
        names = []
    return names or [f"{ctx.clients.region}{s}" for s in "ab"]


def vpc(ctx: Context, spec: Vpc) -> dict[str, Any]:
    """``{"VpcId": ..., "SubnetIds": [...]}`` for a spec ``Vpc`` (created once per deployment)."""

    def create() -> dict[str, Any]:
        ec2 = ctx.clients.ec2
        tags = [{"ResourceType": "vpc", "Tags": ctx.names.tag_list(spec.label)
                 + [{"Key": "Name", "Value": ctx.names.name(spec.id)}]}]
        vpc_id = ec2.create_vpc(CidrBlock=spec.cidr, TagSpecifications=tags)["Vpc"]["VpcId"]
        ctx.ledger.add("vpc", vpc_id)
        network = ipaddress.ip_network(spec.cidr)
        size = min(network.prefixlen + 4, 28)
        blocks = network.subnets(new_prefix=size)
        zones = _zones(ctx)
        subnets = []
        for index in range(SUBNETS_PER_VPC):
            tags = [{"ResourceType": "subnet", "Tags": ctx.names.tag_list(f"{spec.label} subnet {index}")}]
            subnet = ec2.create_subnet(
                VpcId=vpc_id, CidrBlock=str(next(blocks)), AvailabilityZone=zones[index % len(zones)],
                TagSpecifications=tags,
            )["Subnet"]["SubnetId"]
            ctx.ledger.add("subnet", subnet, vpc=vpc_id)
            subnets.append(subnet)
        return {"VpcId": vpc_id, "SubnetIds": subnets}

    return ctx.once("vpc", spec, create)


def _endpoint_lacks_vpc_links(exc: Exception) -> bool:
    text = str(exc)
    return "Unknown API Gateway path" in text or "UnknownOperation" in text or "not yet implemented" in text


def vpc_link(ctx: Context, spec: VpcLink, *, per_vpc: bool = False) -> str:
    """The VPC link id for a spec ``VpcLink`` (its VPC's subnets). ``per_vpc``: a link the
    integration made itself is shared by every such integration of the API in the same VPC, as
    CDK's ``addVpcLink`` does (on AWS each link takes minutes and counts against a quota)."""

    def create() -> str:
        network = vpc(ctx, spec.vpc)
        api = ctx.clients.apigatewayv2
        try:
            link = api.create_vpc_link(
                Name=ctx.names.name(spec.vpc_link_name, 128), SubnetIds=network["SubnetIds"],
                SecurityGroupIds=[], Tags=ctx.names.tags(spec.label),
            )
        except Exception as exc:
            if ctx.real_aws or not _endpoint_lacks_vpc_links(exc):
                raise
            # The endpoint has no VPC link API (MiniStack): integrations still record the link
            # under a stand-in id, so their provisioning can be checked; nothing is served.
            placeholder = ctx.names.name(f"vpclink-{spec.id}", 64)
            ctx.ledger.add("vpc_link", placeholder, placeholder=True)
            note = "the endpoint has no VPC link API (CreateVpcLink); private integrations use a stand-in id"
            if note not in ctx.notes:
                ctx.notes.append(note)
            return placeholder
        ctx.ledger.add("vpc_link", link["VpcLinkId"])
        if ctx.real_aws:
            _wait_vpc_link(ctx, link["VpcLinkId"])
        return link["VpcLinkId"]

    return ctx.once("vpc_link", spec.vpc if per_vpc else spec, create)


def _wait_vpc_link(ctx: Context, link_id: str) -> None:
    def available() -> bool:
        status = ctx.clients.apigatewayv2.get_vpc_link(VpcLinkId=link_id).get("VpcLinkStatus")
        if status == "FAILED":
            raise DeployError(f"VPC link {link_id} failed")
        return status == "AVAILABLE"

    poll(f"VPC link {link_id} to become AVAILABLE", available, timeout=600, max_interval=10)


def _load_balancer(ctx: Context, balancer: Any) -> str:
    def create() -> str:
        kind = "application" if isinstance(balancer.listeners[0], ApplicationListener) else "network"
        network = vpc(ctx, balancer.vpc)
        created = ctx.clients.elbv2.create_load_balancer(
            Name=ctx.names.name(balancer.id, 32), Subnets=network["SubnetIds"], Type=kind,
            Scheme="internet-facing" if balancer.internet_facing else "internal",
            Tags=ctx.names.tag_list(balancer.label),
        )["LoadBalancers"][0]
        ctx.ledger.add("load_balancer", created["LoadBalancerArn"])
        return created["LoadBalancerArn"]

    return ctx.once("load_balancer", balancer, create)


def _target_group(ctx: Context, group: Any, vpc_id: str) -> str:
    created = ctx.clients.elbv2.create_target_group(
        Name=ctx.names.name(group.id, 32), Protocol=group.protocol, Port=group.port, VpcId=vpc_id,
        TargetType="ip", Tags=ctx.names.tag_list(group.label),
    )["TargetGroups"][0]
    arn = created["TargetGroupArn"]
    ctx.ledger.add("target_group", arn)
    if group.targets:
        ctx.clients.elbv2.register_targets(
            TargetGroupArn=arn,
            Targets=[{"Id": ctx.upstreams.ip(ip), "Port": port} for ip, port in group.endpoints()],
        )
    return arn


def listener_arn(ctx: Context, listener: Listener) -> str:
    """The ARN of a spec listener: its load balancer, target groups and targets created first.

    An imported listener (``from_listener_attributes``) is used as given.
    """
    if listener.imported:
        arn = getattr(listener, "listener_arn", "")
        if not arn:
            raise SpecError(listener.label, "an imported listener needs listener_arn= to be deployed")
        return arn

    def create() -> str:
        balancer = _load_balancer(ctx, listener.load_balancer)
        vpc_id = vpc(ctx, listener.load_balancer.vpc)["VpcId"]
        groups = [_target_group(ctx, group, vpc_id) for group in listener.target_groups]
        if isinstance(listener, ApplicationListener):
            if len(groups) == 1:  # the plain form, as CDK writes a single group
                actions = [{"Type": "forward", "TargetGroupArn": groups[0]}]
            elif groups:
                actions = [{"Type": "forward", "ForwardConfig": {
                    "TargetGroups": [{"TargetGroupArn": arn, "Weight": 1} for arn in groups]}}]
            else:
                actions = [{"Type": "fixed-response", "FixedResponseConfig": {
                    "StatusCode": "503", "ContentType": "text/plain", "MessageBody": "no targets"}}]
        else:
            if len(groups) > 1:
                raise SpecError(listener.label, "a Network Load Balancer listener forwards to one "
                                                "target group; call add_targets() once")
            if not groups:
                from pytest_apigw.spec.network import TargetGroup

                empty = TargetGroup(f"{listener.id}-empty", port=listener.port, targets=[],
                                    protocol=listener.protocol)
                groups = [_target_group(ctx, empty, vpc_id)]
            actions = [{"Type": "forward", "TargetGroupArn": groups[0]}]
        created = ctx.clients.elbv2.create_listener(
            LoadBalancerArn=balancer, Protocol=listener.protocol, Port=listener.port,
            DefaultActions=actions, Tags=ctx.names.tag_list(listener.label),
        )["Listeners"][0]
        ctx.ledger.add("listener", created["ListenerArn"])
        return created["ListenerArn"]

    return ctx.once("listener", listener, create)
