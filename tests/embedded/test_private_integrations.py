"""Private integrations (ALB, NLB, Cloud Map) on the embedded backend, with loopback targets."""

from __future__ import annotations

import ssl

import httpx
import pytest
import trustme

from pytest_apigw import (
    ApplicationListener,
    ApplicationLoadBalancer,
    HttpAlbIntegration,
    HttpApi,
    HttpNlbIntegration,
    HttpServiceDiscoveryIntegration,
    HttpStage,
    IpTarget,
    MappingValue,
    NetworkLoadBalancer,
    ParameterMapping,
    PrivateDnsNamespace,
    SpecError,
    TlsConfig,
    Vpc,
    VpcLink,
)
from pytest_apigw.invocations import LOG
from pytest_apigw.spec.network import TargetGroup
from tests.embedded.upstream_servers import running_upstreams


@pytest.fixture
def upstreams():
    yield from running_upstreams()


def _alb(*servers, port=80):
    vpc = Vpc("Vpc")
    listener = ApplicationLoadBalancer("Alb", vpc=vpc).add_listener("Listener", port=port)
    listener.add_targets("Targets", port=port, targets=[IpTarget("127.0.0.1", s) for s in servers])
    return listener


def _ports(*servers):
    return [s.port for s in servers]


def _served_by(url, count, client=None):
    get = client.get if client is not None else httpx.get
    names = []
    for _ in range(count):
        response = get(url)
        assert response.status_code == 200, response.text
        names.append(response.json()["server"])
    return names


def test_alb_round_robin_over_every_target(apigw, upstreams):
    a, b, c = upstreams.echo("a"), upstreams.echo("b"), upstreams.echo("c")
    api = HttpApi("Alb", default_integration=HttpAlbIntegration(listener=_alb(*_ports(a, b, c))))
    mark = LOG.mark()
    names = _served_by(apigw.deploy(api).url + "/x", 9)
    assert sorted(names) == ["a"] * 3 + ["b"] * 3 + ["c"] * 3
    assert names[:3] == names[3:6] == names[6:]  # a fixed rotation
    # The report names the listener and the request each target was sent.
    sent = [record.integration for record in LOG.since(mark)]
    assert sent[:3] == [f"ALB listener 'Listener': GET http://127.0.0.1:{s.port}/x" for s in
                        sorted((a, b, c), key=lambda s: names.index(s.name))]


def test_alb_takes_a_refusing_target_out_of_rotation(apigw, upstreams):
    a, b = upstreams.echo("a"), upstreams.echo("b")
    dead = upstreams.refused_port()
    api = HttpApi("Alb", default_integration=HttpAlbIntegration(listener=_alb(a.port, dead, b.port)))
    names = _served_by(apigw.deploy(api).url + "/x", 8)
    assert sorted(set(names)) == ["a", "b"]
    assert abs(names.count("a") - names.count("b")) <= 1


def test_every_target_refusing_is_the_albs_502_and_none_registered_is_503(apigw, upstreams):
    """An ALB whose targets all refuse fails open, meets a TCP RST and answers 502 itself
    (ELB ``load-balancer-troubleshooting.md``); with no target at all: the gateway's 503."""
    dead = [upstreams.refused_port(), upstreams.refused_port()]
    api = HttpApi("Alb")
    api.add_routes(path="/dead", integration=HttpAlbIntegration(listener=_alb(*dead)))
    api.add_routes(path="/empty", integration=HttpAlbIntegration(listener=_alb(port=81)))
    url = apigw.deploy(api).url
    dead_answer = httpx.get(url + "/dead")
    assert dead_answer.status_code == 502
    assert dead_answer.headers["content-type"] == "text/html"
    assert b"502 Bad Gateway" in dead_answer.content
    empty = httpx.get(url + "/empty")
    assert empty.status_code == 503
    assert empty.json() == {"message": "Service Unavailable"}


def test_every_nlb_target_refusing_is_503(apigw, upstreams):
    dead = [upstreams.refused_port(), upstreams.refused_port()]
    listener = NetworkLoadBalancer("Nlb", vpc=Vpc("Vpc")).add_listener("L", port=80)
    listener.add_targets("T", port=80, targets=[IpTarget("127.0.0.1", port) for port in dead])
    url = apigw.deploy(HttpApi("Nlb", default_integration=HttpNlbIntegration(listener=listener))).url
    response = httpx.get(url + "/dead")
    assert response.status_code == 503
    assert response.json() == {"message": "Service Unavailable"}


def test_a_target_that_stops_is_skipped_and_one_that_starts_is_used(apigw, upstreams):
    a, b = upstreams.echo("a"), upstreams.echo("b")
    listener = _alb(a.port, b.port)
    api = HttpApi("Alb", default_integration=HttpAlbIntegration(listener=listener))
    url = apigw.deploy(api).url + "/x"
    upstreams.stop(b)
    assert set(_served_by(url, 4)) == {"a"}
    c = upstreams.echo("c")
    listener.add_targets("More", targets=[IpTarget("127.0.0.1", c.port)])  # registered after deploy
    assert set(_served_by(url, 6)) == {"a", "c"}


def test_target_changes_after_deploy_are_seen_though_endpoints_are_cached(apigw, upstreams):
    """A listener's endpoints are worked out once per change to its targets (not per request):
    every way of changing them after the deploy still reaches the next request."""
    a, b, c, d = upstreams.echo("a"), upstreams.echo("b"), upstreams.echo("c"), upstreams.echo("d")
    listener = _alb(a.port)
    group = listener.target_groups[0]
    url = apigw.deploy(HttpApi("Alb", default_integration=HttpAlbIntegration(listener=listener))).url + "/x"
    assert set(_served_by(url, 3)) == {"a"}  # the endpoints are cached from here on
    group.targets.append(IpTarget("127.0.0.1", b.port))  # the group's own list, changed in place
    assert set(_served_by(url, 4)) == {"a", "b"}
    group.targets.remove(group.targets[0])
    assert set(_served_by(url, 3)) == {"b"}
    group.targets[0] = IpTarget("127.0.0.1")  # no port of its own: the group's port ...
    group.port = c.port  # ... which changes too
    assert set(_served_by(url, 3)) == {"c"}
    listener.target_groups.append(TargetGroup("Extra", port=80, targets=[IpTarget("127.0.0.1", d.port)],
                                              protocol="HTTP"))
    assert set(_served_by(url, 4)) == {"c", "d"}
    group.targets = []  # a new list altogether
    assert set(_served_by(url, 3)) == {"d"}


def test_stage_segment_is_kept_in_the_path_sent_to_private_backends(apigw, upstreams):
    echo = upstreams.echo()
    listener = _alb(echo.port)
    api = HttpApi("Alb")
    api.add_routes(path="/pets", integration=HttpAlbIntegration(listener=listener))
    stripped = ParameterMapping().overwrite_path(MappingValue.request_path())
    api.add_routes(path="/bare",
                   integration=HttpAlbIntegration(listener=listener, parameter_mapping=stripped))
    HttpStage("Dev", http_api=api, stage_name="dev")
    deployment = apigw.deploy(api)
    assert httpx.get(deployment.url + "/pets?q=1").json()["path"] == "/pets"  # $default: no segment
    seen = httpx.get(deployment.url + "/dev/pets?q=1").json()
    assert (seen["path"], seen["query"]) == ("/dev/pets", "q=1")
    assert httpx.get(deployment.url + "/dev/bare").json()["path"] == "/bare"  # overwrite:path


def test_nlb_pins_each_client_connection_to_one_target(apigw, upstreams):
    servers = [upstreams.echo(name) for name in "abc"]
    listener = NetworkLoadBalancer("Nlb", vpc=Vpc("Vpc")).add_listener("Tcp", port=80)
    listener.add_targets("Targets", targets=[IpTarget("127.0.0.1", s.port) for s in servers])
    url = apigw.deploy(HttpApi("Nlb", default_integration=HttpNlbIntegration(listener=listener))).url + "/x"
    clients = [httpx.Client() for _ in range(3)]
    try:
        per_connection = [set(_served_by(url, 4, client)) for client in clients]
    finally:
        for client in clients:
            client.close()
    assert all(len(names) == 1 for names in per_connection)  # one target per connection
    assert set().union(*per_connection) == {"a", "b", "c"}  # new connections spread


def test_an_nlb_connection_stays_with_its_one_target_when_a_second_is_registered(apigw, upstreams):
    first, second = upstreams.echo("first"), upstreams.echo("second")
    listener = NetworkLoadBalancer("Nlb", vpc=Vpc("Vpc")).add_listener("Tcp", port=80)
    group = listener.add_targets("Targets", targets=[IpTarget("127.0.0.1", first.port)])
    url = apigw.deploy(HttpApi("Nlb", default_integration=HttpNlbIntegration(listener=listener))).url + "/x"
    with httpx.Client() as client:
        assert _served_by(url, 1, client) == ["first"]  # pinned to what served it, nothing to choose
        group.targets.append(IpTarget("127.0.0.1", second.port))
        assert _served_by(url, 4, client) == ["first"] * 4
        others = [httpx.Client() for _ in range(2)]
        try:
            assert {_served_by(url, 1, other)[0] for other in others} == {"first", "second"}
        finally:
            for other in others:
                other.close()


def test_cloud_map_instances_filtered_by_attributes(apigw, upstreams):
    prod1, prod2, canary = upstreams.echo("prod1"), upstreams.echo("prod2"), upstreams.echo("canary")
    vpc = Vpc("Vpc")
    service = PrivateDnsNamespace("Ns", name="boundary.local", vpc=vpc).create_service("Orders")
    service.register_ip_instance("i1", ipv4="127.0.0.1", port=prod1.port, custom_attributes={"stage": "prod"})
    service.register_ip_instance("i2", ipv4="127.0.0.1", port=canary.port,
                                 custom_attributes={"stage": "canary"})
    link = VpcLink("Link", vpc=vpc)
    api = HttpApi("CloudMap")
    api.add_routes(path="/all", integration=HttpServiceDiscoveryIntegration(vpc_link=link, service=service))
    api.add_routes(path="/prod", integration=HttpServiceDiscoveryIntegration(
        vpc_link=link, service=service, attribute_filters={"stage": "prod"}))
    url = apigw.deploy(api).url
    assert set(_served_by(url + "/all", 4)) == {"prod1", "canary"}
    assert set(_served_by(url + "/prod", 3)) == {"prod1"}
    # Instances registered after the deploy are discovered.
    service.register_ip_instance("i3", ipv4="127.0.0.1", port=prod2.port, custom_attributes={"stage": "prod"})
    names = _served_by(url + "/prod", 4)
    assert sorted(names) == ["prod1", "prod1", "prod2", "prod2"]


def test_cloud_map_instances_changed_after_the_deploy_are_seen_though_cached(apigw, upstreams):
    one, two, three = upstreams.echo("one"), upstreams.echo("two"), upstreams.echo("three")
    vpc = Vpc("Vpc")
    service = PrivateDnsNamespace("Ns", name="boundary.local", vpc=vpc).create_service("Orders")
    service.register_ip_instance("i1", ipv4="127.0.0.1", port=one.port, custom_attributes={"stage": "prod"})
    service.register_ip_instance("i2", ipv4="127.0.0.1", port=two.port, custom_attributes={"stage": "prod"})
    api = HttpApi("CloudMap", default_integration=HttpServiceDiscoveryIntegration(
        vpc_link=VpcLink("Link", vpc=vpc), service=service, attribute_filters={"stage": "prod"}))
    url = apigw.deploy(api).url + "/x"
    assert set(_served_by(url, 4)) == {"one", "two"}
    assert service.deregister_instance("i1").port == one.port
    assert _served_by(url, 3) == ["two"] * 3  # deregistered: no request goes there any more
    with pytest.raises(SpecError, match="no instance 'i1'"):
        service.deregister_instance("i1")
    service.register_ip_instance("i1", ipv4="127.0.0.1", port=three.port, custom_attributes={"stage": "prod"})
    assert set(_served_by(url, 4)) == {"two", "three"}  # registered again, elsewhere
    service.instances = [i for i in service.instances if i.id == "i1"]  # the list replaced
    assert _served_by(url, 2) == ["three"] * 2
    service.instances.clear()
    assert httpx.get(url).status_code == 503


def test_private_tls_verifies_the_secure_server_name(apigw, upstreams):
    ca = trustme.CA()
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("orders.internal").configure_cert(context)
    server = upstreams.echo("tls", ssl=context)
    trust = TlsConfig(ca_pem=ca.cert_pem.bytes())
    listener = _alb(server.port, port=443)
    api = HttpApi("Tls")
    api.add_routes(path="/ok", integration=HttpAlbIntegration(
        listener=listener, secure_server_name="orders.internal", tls_config=trust))
    api.add_routes(path="/plain", integration=HttpAlbIntegration(listener=listener))
    url = apigw.deploy(api).url
    assert httpx.get(url + "/ok").json()["server"] == "tls"
    assert httpx.get(url + "/plain").status_code == 502  # plain HTTP to a TLS port: not HTTP back


def test_load_balancer_integrations_make_a_vpc_link_and_need_a_vpc_for_imported_listeners():
    listener = _alb(8080)
    integration = HttpAlbIntegration(listener=listener)
    assert integration.vpc_link.vpc is listener.vpc
    imported = ApplicationListener.from_listener_attributes("Imported", listener_arn="arn:x", port=80)
    with pytest.raises(SpecError, match="pass vpc="):
        HttpAlbIntegration(listener=imported)
    assert HttpAlbIntegration(listener=imported, vpc=Vpc("V")).vpc_link.vpc.id == "V"
    with pytest.raises(SpecError, match="NetworkListener"):
        HttpNlbIntegration(listener=listener)
