"""CDK v2 spells integrations with the construct id first; the seed's v1 keywords keep working."""

from __future__ import annotations

import httpx
import pytest

from pytest_apigw import (
    ApplicationLoadBalancer,
    Function,
    HttpAlbIntegration,
    HttpApi,
    HttpLambdaIntegration,
    HttpMethod,
    HttpNlbIntegration,
    HttpServiceDiscoveryIntegration,
    HttpUrlIntegration,
    IpTarget,
    LambdaProxyIntegration,
    NetworkLoadBalancer,
    PrivateDnsNamespace,
    SpecError,
    Vpc,
    VpcLink,
    WebSocketApi,
    WebSocketLambdaIntegration,
    WebSocketStage,
)
from tests.embedded.upstream_servers import running_upstreams


@pytest.fixture
def upstreams():
    """Loopback upstream servers, stopped at teardown."""
    yield from running_upstreams()


def books(event, context):
    return {"statusCode": 200, "body": f"v{event['version']}"}


def test_lambda_and_url_integrations_in_v2_spelling(apigw, upstreams):
    echo = upstreams.echo("echo")
    api = HttpApi("HttpApi")
    api.add_routes(path="/books", methods=[HttpMethod.GET],
                   integration=HttpLambdaIntegration("BooksIntegration", Function("Books", handler=books),
                                                     payload_format_version="1.0"))
    api.add_routes(path="/v1", integration=LambdaProxyIntegration(handler=books))   # v1 keywords
    api.add_routes(path="/proxy", integration=HttpUrlIntegration("ProxyIntegration", echo.url))
    deployment = apigw.deploy(api)
    assert httpx.get(f"{deployment.url}/books").text == "v1.0"
    assert httpx.get(f"{deployment.url}/v1").text == "v2.0"
    assert httpx.get(f"{deployment.url}/proxy").json()["server"] == "echo"
    assert api.routes["GET /books"].integration.id == "BooksIntegration"


def test_private_integrations_in_v2_spelling(apigw, upstreams):
    alb_target, nlb_target, instance = upstreams.echo("alb"), upstreams.echo("nlb"), upstreams.echo("map")
    vpc = Vpc("VPC")
    alb = ApplicationLoadBalancer("alb", vpc=vpc).add_listener("listener", port=80)
    alb.add_targets("t", port=80, targets=[IpTarget("127.0.0.1", alb_target.port)])
    nlb = NetworkLoadBalancer("nlb", vpc=vpc).add_listener("listener", port=80)
    nlb.add_targets("t", port=80, targets=[IpTarget("127.0.0.1", nlb_target.port)])
    service = PrivateDnsNamespace("Namespace", name="boobar.com", vpc=vpc).create_service("Service")
    service.register_ip_instance("i", ipv4="127.0.0.1", port=instance.port)
    api = HttpApi("Private")
    api.add_routes(path="/alb", integration=HttpAlbIntegration("Alb", alb))
    api.add_routes(path="/nlb", integration=HttpNlbIntegration("Nlb", nlb))
    api.add_routes(path="/map", integration=HttpServiceDiscoveryIntegration(
        "Map", service, vpc_link=VpcLink("VpcLink", vpc=vpc)))
    deployment = apigw.deploy(api)
    for name in ("alb", "nlb", "map"):
        assert httpx.get(f"{deployment.url}/{name}").json()["server"] == name


def test_websocket_integration_in_v2_spelling(apigw):
    def echo(event, context):
        return {"statusCode": 200, "body": event.get("body") or ""}

    api = WebSocketApi("mywsapi")
    WebSocketStage("mystage", web_socket_api=api, stage_name="dev", auto_deploy=True)
    api.add_route("sendmessage", integration=WebSocketLambdaIntegration("SendMessage", echo),
                  return_response=True)
    deployment = apigw.deploy(api)
    with deployment.ws_connect() as client:
        client.send_json({"action": "sendmessage"})
        assert client.recv_json() == {"action": "sendmessage"}


def test_the_construct_id_comes_first():
    with pytest.raises(SpecError, match=r"first positional argument is the construct id"):
        HttpLambdaIntegration(books)
    with pytest.raises(SpecError, match="handler is required"):
        HttpLambdaIntegration("NoHandler")
    with pytest.raises(SpecError, match="url is required"):
        HttpUrlIntegration("NoUrl")
