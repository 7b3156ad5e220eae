"""``--apigw-upstream-host``: the address an endpoint (a LocalStack container) reaches the test's
loopback upstreams under. Here 127.0.0.2 stands for it: the upstream listens there only, the
spec names 127.0.0.1 as a test would, and MiniStack must be handed (and reach) 127.0.0.2."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from loopback_upstream import serving
from pytest_apigw_localstack.backend import LocalStackBackend
from pytest_apigw_localstack.upstreams import UpstreamHost, is_loopback

from pytest_apigw import (
    ApplicationLoadBalancer,
    HttpAlbIntegration,
    HttpApi,
    HttpMethod,
    HttpProxyIntegration,
    IpTarget,
    Vpc,
)


@pytest.fixture
def upstream_on_2() -> Iterator[int]:
    with serving("127.0.0.2") as port:
        yield port


@pytest.fixture
def rehosted(ministack, monkeypatch) -> Iterator[LocalStackBackend]:
    monkeypatch.setenv("PYTEST_APIGW_UPSTREAM_HOST", "127.0.0.2")
    backend = LocalStackBackend(endpoint=ministack.url)
    backend.start()
    yield backend
    backend.close()


def test_loopback_upstreams_are_handed_over_under_the_upstream_host(rehosted, upstream_on_2) -> None:
    api = HttpApi("Rehosted")
    api.add_routes(path="/things", methods=[HttpMethod.GET],
                   integration=HttpProxyIntegration(url=f"http://127.0.0.1:{upstream_on_2}/things"))
    vpc = Vpc("Vpc")
    listener = ApplicationLoadBalancer("lb", vpc=vpc).add_listener("l", port=80)
    listener.add_targets("t", port=upstream_on_2, targets=[IpTarget("127.0.0.1")])
    api.add_routes(path="/lb", methods=[HttpMethod.GET], integration=HttpAlbIntegration(listener=listener))
    deployment = rehosted.deploy(api)
    try:
        clients = rehosted.clients
        uris = {i["IntegrationUri"] for i in clients.apigatewayv2.get_integrations(
            ApiId=deployment.api_id)["Items"]}
        assert f"http://127.0.0.2:{upstream_on_2}/things" in uris
        (balancer,) = deployment.handle.ledger.of("target_group")
        health = clients.elbv2.describe_target_health(TargetGroupArn=balancer.id)["TargetHealthDescriptions"]
        assert [t["Target"]["Id"] for t in health] == ["127.0.0.2"]
        served = httpx.get(f"{deployment.url}/things", timeout=30)
        assert served.status_code == 200, served.text
        assert served.json()["seen_at"] == "127.0.0.2"
    finally:
        deployment.close()


def test_the_rewrite_touches_loopback_only() -> None:
    host = UpstreamHost("host.docker.internal")
    assert host.url("http://127.0.0.1:8080/a?b=1") == "http://host.docker.internal:8080/a?b=1"
    assert host.url("http://localhost/x") == "http://host.docker.internal/x"
    assert host.url("https://api.example.com/x") == "https://api.example.com/x"
    assert UpstreamHost(None).url("http://127.0.0.1:1/") == "http://127.0.0.1:1/"
    assert UpstreamHost("10.1.2.3").ip("127.0.0.1") == "10.1.2.3"
    assert UpstreamHost("10.1.2.3").ip("10.0.0.9") == "10.0.0.9"
    assert is_loopback("::1") and is_loopback("127.8.8.8") and not is_loopback("10.0.0.1")


def test_the_fixture_and_option(pytester) -> None:
    pytester.makepyfile(test_host="def test_host(apigw_upstream_host):\n"
                                  "    assert apigw_upstream_host == 'host.docker.internal'\n")
    result = pytester.runpytest_subprocess("--apigw-upstream-host=host.docker.internal")
    result.assert_outcomes(passed=1)
