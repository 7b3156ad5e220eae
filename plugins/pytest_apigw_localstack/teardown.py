"""Delete what a ledger recorded, in dependency order, whatever state the deploy stopped in.

Deleting the API removes its routes, integrations, stages and deployments; everything else
is deleted kind by kind in ``ORDER`` (users before what they use), newest first within a kind.
A resource already gone is fine; other failures are collected and reported together at the end.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from pytest_apigw.errors import DeployError
from pytest_apigw_localstack.ledger import Ledger, Resource
from pytest_apigw_localstack.waits import wait_operation

ORDER = (
    "api", "log_group", "authorizer", "vpc_link", "lambda_permission", "function", "layer_version",
    "role_policy", "role",
    "listener", "load_balancer", "target_group", "instance", "service", "namespace",
    "subnet", "vpc",
)
_GONE = ("NotFound", "NoSuch", "ResourceNotFound", "InvalidVpcID.NotFound", "InvalidSubnetID.NotFound",
         "InstanceNotFound", "ServiceNotFound", "NamespaceNotFound", "LoadBalancerNotFound",
         "TargetGroupNotFound", "ListenerNotFound")
_BUSY = ("DependencyViolation", "ResourceInUse", "ConflictException", "ResourceInUseException",
         "TooManyRequests", "Throttling")


def _error_code(exc: Exception) -> str:
    response = getattr(exc, "response", None) or {}
    return str(response.get("Error", {}).get("Code", ""))


def _delete_api(c: Any, r: Resource) -> None:
    c.apigatewayv2.delete_api(ApiId=r.id)


def _delete_log_group(c: Any, r: Resource) -> None:
    c.logs.delete_log_group(logGroupName=r.id)


def _delete_vpc_link(c: Any, r: Resource) -> None:
    if r.extra.get("placeholder"):
        return
    c.apigatewayv2.delete_vpc_link(VpcLinkId=r.id)


def _nothing(c: Any, r: Resource) -> None:
    """Lambda permissions go with their function, authorizers with their API (AWS refuses to
    delete an authorizer that routes still use, and deleting the API deletes it)."""


def _delete_function(c: Any, r: Resource) -> None:
    c.get("lambda").delete_function(FunctionName=r.id)


def _delete_layer_version(c: Any, r: Resource) -> None:
    c.get("lambda").delete_layer_version(LayerName=r.id, VersionNumber=r.extra["version"])


def _detach_policy(c: Any, r: Resource) -> None:
    c.iam.detach_role_policy(RoleName=r.extra["role"], PolicyArn=r.id)


def _delete_role(c: Any, r: Resource) -> None:
    c.iam.delete_role(RoleName=r.id)


def _delete_listener(c: Any, r: Resource) -> None:
    c.elbv2.delete_listener(ListenerArn=r.id)


def _delete_load_balancer(c: Any, r: Resource) -> None:
    c.elbv2.delete_load_balancer(LoadBalancerArn=r.id)
    if c.endpoint_url is None:  # AWS: target groups stay "in use" until the LB is gone
        c.elbv2.get_waiter("load_balancers_deleted").wait(LoadBalancerArns=[r.id])


def _delete_target_group(c: Any, r: Resource) -> None:
    c.elbv2.delete_target_group(TargetGroupArn=r.id)


def _deregister_instance(c: Any, r: Resource) -> None:
    op = c.servicediscovery.deregister_instance(ServiceId=r.extra["service"], InstanceId=r.id)
    wait_operation(c, op.get("OperationId"))


def _delete_service(c: Any, r: Resource) -> None:
    c.servicediscovery.delete_service(Id=r.id)


def _delete_namespace(c: Any, r: Resource) -> None:
    if not r.id:  # the deploy was interrupted while the namespace was being created
        r.id = wait_operation(c, r.extra["operation"]).get("NAMESPACE", "")
        if not r.id:
            return
    op = c.servicediscovery.delete_namespace(Id=r.id)
    wait_operation(c, op.get("OperationId"))


def _delete_subnet(c: Any, r: Resource) -> None:
    c.ec2.delete_subnet(SubnetId=r.id)


def _delete_vpc(c: Any, r: Resource) -> None:
    c.ec2.delete_vpc(VpcId=r.id)


DELETERS: dict[str, Callable[[Any, Resource], None]] = {
    "api": _delete_api, "log_group": _delete_log_group,
    "authorizer": _nothing, "vpc_link": _delete_vpc_link, "lambda_permission": _nothing,
    "function": _delete_function, "layer_version": _delete_layer_version,
    "role_policy": _detach_policy, "role": _delete_role,
    "listener": _delete_listener, "load_balancer": _delete_load_balancer,
    "target_group": _delete_target_group, "instance": _deregister_instance,
    "service": _delete_service, "namespace": _delete_namespace, "subnet": _delete_subnet,
    "vpc": _delete_vpc,
}


def ordered(ledger: Ledger) -> list[Resource]:
    """The ledger's resources in deletion order."""
    rank = {kind: i for i, kind in enumerate(ORDER)}
    indexed = list(enumerate(ledger.resources))
    indexed.sort(key=lambda pair: (rank.get(pair[1].kind, len(ORDER)), -pair[0]))
    return [r for _, r in indexed]


def delete_one(clients: Any, resource: Resource, busy_wait: float) -> None:
    """Delete one resource; retry while it is still in use (for up to ``busy_wait`` s)."""
    deadline = time.monotonic() + busy_wait
    delay = 1.0
    while True:
        try:
            DELETERS[resource.kind](clients, resource)
            return
        except Exception as exc:
            code = _error_code(exc)
            if any(mark in code for mark in _GONE):
                return
            if any(mark in code for mark in _BUSY) and time.monotonic() < deadline:
                time.sleep(delay)
                delay = min(delay * 2, 15.0)
                continue
            raise


def teardown(clients: Any, ledger: Ledger, *, busy_wait: float = 0.0) -> None:
    """Delete everything in ``ledger`` in dependency order; one error report at the end."""
    failures = []
    for resource in ordered(ledger):
        try:
            delete_one(clients, resource, busy_wait)
        except Exception as exc:
            failures.append(f"{resource.kind} {resource.id}: {exc}")
    ledger.resources.clear()
    if failures:
        raise DeployError(
            "teardown left resources behind (find them by their 'pytest-apigw:run' tag): "
            + "; ".join(failures)
        )
