"""Cloud Map: a private DNS namespace, its services and their registered IP instances."""

from __future__ import annotations

from typing import Any

from pytest_apigw.spec.cloud_map import PrivateDnsNamespace, Service
from pytest_apigw_localstack.translate import network
from pytest_apigw_localstack.translate.context import Context
from pytest_apigw_localstack.waits import wait_operation


def namespace(ctx: Context, spec: PrivateDnsNamespace) -> dict[str, str]:
    """``{"Id": ..., "Name": ...}`` of the namespace (in the spec VPC), created once."""

    def create() -> dict[str, str]:
        vpc_id = network.vpc(ctx, spec.vpc)["VpcId"]
        # Namespace names are DNS names shared by the VPC: make them unique per deployment.
        name = f"{ctx.names.name('ns', 40)}.{spec.name}".lower()
        op = ctx.clients.servicediscovery.create_private_dns_namespace(
            Name=name, Vpc=vpc_id, Tags=ctx.names.tag_list(spec.label),
        )
        # recorded before the wait (which an interrupt may cut short): teardown can still find
        # the namespace through its operation
        pending = ctx.ledger.add("namespace", "", operation=op["OperationId"])
        pending.id = wait_operation(ctx.clients, op["OperationId"])["NAMESPACE"]
        return {"Id": pending.id, "Name": name}

    return ctx.once("namespace", spec, create)


def service(ctx: Context, spec: Service) -> dict[str, Any]:
    """``{"Id": ..., "Arn": ...}`` of the service with every spec instance registered."""

    def create() -> dict[str, Any]:
        ns = namespace(ctx, spec.namespace)
        sd = ctx.clients.servicediscovery
        created = sd.create_service(
            Name=spec.name, NamespaceId=ns["Id"],
            DnsConfig={"RoutingPolicy": "MULTIVALUE", "DnsRecords": [{"Type": "A", "TTL": 60}]},
            Tags=ctx.names.tag_list(spec.label),
        )["Service"]
        ctx.ledger.add("service", created["Id"])
        for instance in spec.instances:
            attributes = {"AWS_INSTANCE_IPV4": ctx.upstreams.ip(instance.ipv4),
                          "AWS_INSTANCE_PORT": str(instance.port),
                          **instance.attributes}
            op = sd.register_instance(ServiceId=created["Id"], InstanceId=instance.id, Attributes=attributes)
            ctx.ledger.add("instance", instance.id, service=created["Id"])
            wait_operation(ctx.clients, op.get("OperationId"))
        return {"Id": created["Id"], "Arn": created["Arn"], "Namespace": ns["Name"]}

    return ctx.once("service", spec, create)
