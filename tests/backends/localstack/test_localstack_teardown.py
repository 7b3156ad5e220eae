"""Teardown removes everything, in dependency order, also after a failed deploy; names and tags."""

from __future__ import annotations

import localstack_handlers as handlers
import pytest
from pytest_apigw_localstack import teardown as td
from pytest_apigw_localstack.naming import Namer
from pytest_apigw_localstack.translate import http_api

from pytest_apigw import (
    ApplicationLoadBalancer,
    DeployError,
    Function,
    HttpAlbIntegration,
    HttpApi,
    HttpMethod,
    HttpServiceDiscoveryIntegration,
    IpTarget,
    LambdaProxyIntegration,
    PrivateDnsNamespace,
    Vpc,
    VpcLink,
)


def _everything() -> HttpApi:
    vpc = Vpc("Vpc")
    listener = ApplicationLoadBalancer("Alb", vpc=vpc).add_listener("Listener", port=80)
    listener.add_targets("Targets", port=8080, targets=[IpTarget("10.0.0.10")])
    service = PrivateDnsNamespace("Ns", name="td.local", vpc=vpc).create_service("Svc")
    service.register_ip_instance("i-1", ipv4="10.0.0.5", port=80)
    api = HttpApi("Everything")
    api.add_routes(path="/fn", methods=[HttpMethod.GET],
                   integration=LambdaProxyIntegration(handler=Function("TdEcho", handler=handlers.echo)))
    api.add_routes(path="/alb", methods=[HttpMethod.GET], integration=HttpAlbIntegration(listener=listener))
    api.add_routes(path="/svc", methods=[HttpMethod.GET], integration=HttpServiceDiscoveryIntegration(
        vpc_link=VpcLink("Link", vpc=vpc), service=service))
    return api


def _leftovers(aws, ledger_ids: dict[str, set[str]]) -> dict[str, set[str]]:
    """What of the recorded resources the endpoint still lists."""
    apis = {a["ApiId"] for a in aws.apigatewayv2.get_apis()["Items"]}
    functions = {f["FunctionName"] for f in aws.get("lambda").list_functions()["Functions"]}
    roles = {r["RoleName"] for r in aws.iam.list_roles()["Roles"]}
    balancers = {b["LoadBalancerArn"] for b in aws.elbv2.describe_load_balancers()["LoadBalancers"]}
    groups = {g["TargetGroupArn"] for g in aws.elbv2.describe_target_groups()["TargetGroups"]}
    namespaces = {n["Id"] for n in aws.servicediscovery.list_namespaces()["Namespaces"]}
    services = {s["Id"] for s in aws.servicediscovery.list_services()["Services"]}
    vpcs = {v["VpcId"] for v in aws.ec2.describe_vpcs()["Vpcs"]}
    subnets = {s["SubnetId"] for s in aws.ec2.describe_subnets()["Subnets"]}
    listed = {"api": apis, "function": functions, "role": roles, "load_balancer": balancers,
              "target_group": groups, "namespace": namespaces, "service": services, "vpc": vpcs,
              "subnet": subnets}
    found = {kind: ids & listed.get(kind, set()) for kind, ids in ledger_ids.items()}
    return {kind: ids for kind, ids in found.items() if ids}


def _ids(ledger) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for resource in ledger.resources:
        out.setdefault(resource.kind, set()).add(resource.id)
    return out


def test_teardown_leaves_nothing(localstack, aws) -> None:
    deployment = localstack.deploy(_everything())
    ids = _ids(deployment.handle.ledger)
    assert {"api", "function", "role", "vpc", "subnet", "load_balancer", "listener", "target_group",
            "namespace", "service", "instance", "vpc_link", "lambda_permission"} <= set(ids)
    listed = {"api", "function", "role", "load_balancer", "target_group", "namespace", "service", "vpc",
              "subnet"}
    assert set(_leftovers(aws, ids)) == listed  # all there before teardown
    deployment.close()
    assert _leftovers(aws, ids) == {}
    assert not deployment.handle.ledger.resources


def test_teardown_runs_in_dependency_order(localstack, monkeypatch) -> None:
    deployment = localstack.deploy(_everything())
    seen: list[str] = []
    for kind, deleter in list(td.DELETERS.items()):
        def spy(c, r, _deleter=deleter, _kind=kind):
            seen.append(_kind)
            _deleter(c, r)
        monkeypatch.setitem(td.DELETERS, kind, spy)
    deployment.close()
    order = [kind for i, kind in enumerate(seen) if kind not in seen[:i]]
    assert order == [k for k in td.ORDER if k in order]
    assert order.index("api") < order.index("function") < order.index("role")
    assert order.index("listener") < order.index("load_balancer") < order.index("target_group")
    assert order.index("instance") < order.index("service") < order.index("namespace") < order.index("vpc")


def test_failed_deploy_removes_what_it_created(localstack, aws, monkeypatch) -> None:
    created: list = []
    real = td.teardown

    def remember(clients, ledger, **kwargs):
        created.append(_ids(ledger))
        return real(clients, ledger, **kwargs)

    def broken_stage(ctx, api_id, stage):
        raise RuntimeError("stage creation exploded")

    monkeypatch.setattr("pytest_apigw_localstack.translate.teardown", remember)
    monkeypatch.setattr(http_api, "add_stage", broken_stage)
    with pytest.raises(DeployError, match="stage creation exploded"):
        localstack.deploy(_everything())
    (ids,) = created
    assert {"api", "function", "load_balancer", "namespace", "vpc"} <= set(ids)
    assert _leftovers(aws, ids) == {}


def test_names_are_unique_per_run_and_worker(monkeypatch) -> None:
    monkeypatch.setenv("PYTEST_XDIST_WORKER", "gw3")
    one, two = Namer(), Namer()
    first, second = one.deployment(), one.deployment()
    assert first.name("Books") != second.name("Books") != two.deployment().name("Books")
    assert "-gw3-" in first.name("Books")
    long = first.name("A" * 100, 32)
    assert len(long) <= 32 and long != first.name("A" * 99, 32)
    assert first.tags("HttpApi 'x'")["pytest-apigw:worker"] == "gw3"


def test_resources_are_tagged(deploy, aws) -> None:
    api = HttpApi("Tagged")
    api.add_routes(path="/x", methods=[HttpMethod.GET],
                   integration=LambdaProxyIntegration(handler=Function("TagEcho", handler=handlers.echo)))
    deployment = deploy(api)
    run = deployment.handle.context.names.namer.run
    api_tags = aws.apigatewayv2.get_api(ApiId=deployment.api_id)["Tags"]
    assert api_tags["pytest-apigw:run"] == run
    (fn,) = deployment.handle.ledger.of("function")
    arn = aws.get("lambda").get_function(FunctionName=fn.id)["Configuration"]["FunctionArn"]
    assert aws.get("lambda").list_tags(Resource=arn)["Tags"]["pytest-apigw:run"] == run
    assert fn.id.startswith(f"apigw-{run}-")


def test_an_interrupt_while_waiting_for_a_namespace_leaks_nothing(localstack, aws, monkeypatch) -> None:
    """Ctrl-C (or SIGTERM) during the Cloud Map namespace wait: the namespace was recorded
    before the wait, so the failed deploy's teardown finds it through its operation."""
    from pytest_apigw_localstack.translate import cloud_map

    created: list = []
    real_teardown, real_wait = td.teardown, cloud_map.wait_operation

    def remember(clients, ledger, **kwargs):
        created.append(list(ledger.of("namespace")))
        return real_teardown(clients, ledger, **kwargs)

    def interrupted(clients, operation_id, timeout=300.0):
        monkeypatch.setattr(cloud_map, "wait_operation", real_wait)
        raise KeyboardInterrupt

    before = {n["Id"] for n in aws.servicediscovery.list_namespaces()["Namespaces"]}
    monkeypatch.setattr("pytest_apigw_localstack.translate.teardown", remember)
    monkeypatch.setattr(cloud_map, "wait_operation", interrupted)
    with pytest.raises(KeyboardInterrupt):
        localstack.deploy(_everything())
    ((namespace,),) = created
    assert namespace.extra["operation"]
    after = {n["Id"] for n in aws.servicediscovery.list_namespaces()["Namespaces"]}
    assert after <= before  # the interrupted namespace was deleted too
