"""Private integrations (VPC link → ALB / NLB listener, Cloud Map service) provisioned through
the AWS API. MiniStack stores them but does not serve them (and has no VPC link API), so only
the provisioning is checked here; the capability gaps say so."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from pytest_apigw import (
    ApplicationLoadBalancer,
    HttpAlbIntegration,
    HttpApi,
    HttpMethod,
    HttpNlbIntegration,
    HttpServiceDiscoveryIntegration,
    IpTarget,
    NetworkLoadBalancer,
    PrivateDnsNamespace,
    Vpc,
    VpcLink,
)
from pytest_apigw import capabilities as cap


@pytest.fixture
def sent_integrations(aws) -> Iterator[list[dict]]:
    """The parameters of every CreateIntegration call (MiniStack drops ConnectionId on storage)."""
    sent: list[dict] = []

    def capture(params: dict, **kwargs: object) -> None:
        sent.append(dict(params))

    events = aws.apigatewayv2.meta.events
    events.register("provide-client-params.apigatewayv2.CreateIntegration", capture)
    yield sent
    events.unregister("provide-client-params.apigatewayv2.CreateIntegration", capture)


def test_alb_and_nlb_listeners_targets_and_vpc_link(deploy, aws, sent_integrations) -> None:
    vpc = Vpc("Vpc")
    alb = ApplicationLoadBalancer("Alb", vpc=vpc)
    alb_listener = alb.add_listener("AlbListener", port=80)
    alb_listener.add_targets("AlbTargets", port=8080,
                             targets=[IpTarget("10.0.0.10"), IpTarget("10.0.0.11", 8081)])
    nlb = NetworkLoadBalancer("Nlb", vpc=vpc)
    nlb_listener = nlb.add_listener("NlbListener", port=9000)
    nlb_listener.add_targets("NlbTargets", port=9000, targets=[IpTarget("10.0.0.20")])
    link = VpcLink("Link", vpc=vpc)
    api = HttpApi("Private")
    api.add_routes(path="/alb", methods=[HttpMethod.GET],
                   integration=HttpAlbIntegration(listener=alb_listener, vpc_link=link))
    api.add_routes(path="/nlb", methods=[HttpMethod.ANY],
                   integration=HttpNlbIntegration(listener=nlb_listener))
    deployment = deploy(api)
    ledger = deployment.handle.ledger

    (vpc_id,) = [r.id for r in ledger.of("vpc")]
    assert aws.ec2.describe_vpcs(VpcIds=[vpc_id])["Vpcs"][0]["CidrBlock"] == "10.0.0.0/16"
    assert len(ledger.of("subnet")) == 2
    stored = aws.apigatewayv2.get_integrations(ApiId=deployment.api_id)["Items"]
    integrations = {i["IntegrationUri"]: i for i in stored}
    listeners = {}
    for balancer in ledger.of("load_balancer"):
        for listener in aws.elbv2.describe_listeners(LoadBalancerArn=balancer.id)["Listeners"]:
            listeners[listener["Port"]] = listener
    assert set(listeners) == {80, 9000}
    assert listeners[80]["Protocol"] == "HTTP"
    assert listeners[9000]["Protocol"] == "TCP"
    kinds = {lb["Type"] for lb in aws.elbv2.describe_load_balancers(
        LoadBalancerArns=[r.id for r in ledger.of("load_balancer")])["LoadBalancers"]}
    assert kinds == {"application", "network"}
    for port, listener in listeners.items():
        integration = integrations[listener["ListenerArn"]]
        assert integration["ConnectionType"] == "VPC_LINK"
        assert integration["IntegrationType"] == "HTTP_PROXY"
        (sent,) = [p for p in sent_integrations if p["IntegrationUri"] == listener["ListenerArn"]]
        assert sent["ConnectionType"] == "VPC_LINK"
        assert sent["ConnectionId"] in {r.id for r in ledger.of("vpc_link")}
        # MiniStack does not store ConnectionId; an endpoint that does must store what was sent
        assert integration.get("ConnectionId", sent["ConnectionId"]) == sent["ConnectionId"]
        assert listener["DefaultActions"][0]["Type"] == "forward"
        group_arn = listener["DefaultActions"][0]["TargetGroupArn"]
        health = aws.elbv2.describe_target_health(TargetGroupArn=group_arn)["TargetHealthDescriptions"]
        targets = sorted((t["Target"]["Id"], t["Target"]["Port"]) for t in health)
        expected = [("10.0.0.10", 8080), ("10.0.0.11", 8081)] if port == 80 else [("10.0.0.20", 9000)]
        assert targets == expected
    # the ALB route uses the given link, the NLB route the one made implicitly for the VPC
    assert len({p["ConnectionId"] for p in sent_integrations}) == 2
    assert len(ledger.of("vpc_link")) == 2


def test_cloud_map_namespace_service_and_instances(deploy, aws) -> None:
    vpc = Vpc("Vpc")
    namespace = PrivateDnsNamespace("Ns", name="svc.local", vpc=vpc)
    service = namespace.create_service("Orders")
    service.register_ip_instance("i-1", ipv4="10.0.1.5", port=8080, custom_attributes={"color": "blue"})
    service.register_ip_instance("i-2", ipv4="10.0.1.6", port=8080)
    api = HttpApi("CloudMap")
    api.add_routes(path="/orders", methods=[HttpMethod.GET],
                   integration=HttpServiceDiscoveryIntegration(vpc_link=VpcLink("Link", vpc=vpc),
                                                               service=service))
    deployment = deploy(api)
    ledger = deployment.handle.ledger

    (integration,) = aws.apigatewayv2.get_integrations(ApiId=deployment.api_id)["Items"]
    assert integration["ConnectionType"] == "VPC_LINK"
    (service_id,) = [r.id for r in ledger.of("service")]
    assert integration["IntegrationUri"] == aws.servicediscovery.get_service(Id=service_id)["Service"]["Arn"]
    (ns_id,) = [r.id for r in ledger.of("namespace")]
    ns = aws.servicediscovery.get_namespace(Id=ns_id)["Namespace"]
    assert ns["Name"].endswith(".svc.local")
    found = aws.servicediscovery.discover_instances(NamespaceName=ns["Name"], ServiceName="orders")
    attributes = {i["InstanceId"]: i["Attributes"] for i in found["Instances"]}
    assert attributes["i-1"] == {"AWS_INSTANCE_IPV4": "10.0.1.5", "AWS_INSTANCE_PORT": "8080",
                                 "color": "blue"}
    assert attributes["i-2"]["AWS_INSTANCE_IPV4"] == "10.0.1.6"


def test_ministack_gaps_are_declared_not_hidden(localstack) -> None:
    assert localstack.ministack
    for name in (cap.COOKIES, cap.PRIVATE_ALB, cap.PRIVATE_NLB, cap.PRIVATE_CLOUD_MAP):
        assert not localstack.supports(name)
        assert "MiniStack" in localstack.capability_gaps[name]
    for name in (cap.LAMBDA_PROXY, cap.HTTP_PROXY, cap.NAMED_STAGES, cap.WEBSOCKET):
        assert localstack.supports(name)


def test_one_vpc_link_per_vpc_and_valid_tags_everywhere(deploy, aws, sent_integrations) -> None:
    """Integrations that make their own VPC link share one per VPC (CDK's ``addVpcLink``); tag
    values pass the pattern every tagging API enforces (construct labels carry quotes)."""
    import re

    vpc = Vpc("Vpc")
    alb = ApplicationLoadBalancer("lb", vpc=vpc)
    first = alb.add_listener("first", port=80)
    first.add_targets("a", port=8080, targets=[IpTarget("10.0.0.10")])
    second = alb.add_listener("second", port=81)
    second.add_targets("b", port=8081, targets=[IpTarget("10.0.0.11")])
    api = HttpApi("Shared")
    api.add_routes(path="/one", methods=[HttpMethod.GET], integration=HttpAlbIntegration(listener=first))
    api.add_routes(path="/two", methods=[HttpMethod.GET], integration=HttpAlbIntegration(listener=second))
    deployment = deploy(api)
    assert len(deployment.handle.ledger.of("vpc_link")) == 1
    links = {p["ConnectionId"] for p in sent_integrations if p.get("ConnectionType") == "VPC_LINK"}
    assert len(links) == 1

    pattern = re.compile(r"^[\w\s.:/=+\-@]*$")
    (lb_arn,) = [r.id for r in deployment.handle.ledger.of("load_balancer")]
    (description,) = aws.elbv2.describe_tags(ResourceArns=[lb_arn])["TagDescriptions"]
    values = {tag["Key"]: tag["Value"] for tag in description["Tags"]}
    assert values["pytest-apigw:construct"] == "ApplicationLoadBalancer lb"
    assert all(pattern.match(value) for value in values.values()), values


def test_response_mapping_is_provisioned_and_attribute_filters_are_refused(
    deploy, aws, localstack, sent_integrations
) -> None:
    """Every spec feature is provisioned or refused before anything is created."""
    from pytest_apigw import HttpProxyIntegration, MappingValue, ParameterMapping, SpecError

    api = HttpApi("Mapped")
    api.add_routes(path="/x", methods=[HttpMethod.GET], integration=HttpProxyIntegration(
        url="http://10.0.0.1/x",
        parameter_mapping=ParameterMapping().append_header("x-caller", MappingValue.custom("tests")),
        response_parameter_mapping={404: ParameterMapping().overwrite_status_code(410)},
    ))
    deploy(api)
    (sent,) = [p for p in sent_integrations if p.get("IntegrationUri") == "http://10.0.0.1/x"]
    assert sent["RequestParameters"] == {"append:header.x-caller": "tests"}
    assert sent["ResponseParameters"] == {"404": {"overwrite:statuscode": "410"}}

    vpc = Vpc("Vpc")
    service = PrivateDnsNamespace("Ns", name="svc.local", vpc=vpc).create_service("Orders")
    service.register_ip_instance("i-1", ipv4="10.0.1.5", port=8080)
    filtered = HttpApi("Filtered")
    filtered.add_routes(path="/o", methods=[HttpMethod.GET], integration=HttpServiceDiscoveryIntegration(
        vpc_link=VpcLink("Link", vpc=vpc), service=service, attribute_filters={"color": "blue"}))
    apis_before = len(aws.apigatewayv2.get_apis()["Items"])
    with pytest.raises(SpecError, match="attribute_filters cannot be provisioned"):
        localstack.deploy(filtered)
    assert len(aws.apigatewayv2.get_apis()["Items"]) == apis_before  # nothing half-deployed
