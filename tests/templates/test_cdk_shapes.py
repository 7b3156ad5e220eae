"""What ``aws-cdk-lib`` writes for authorizers, CORS, named stages and parameter mapping, read
back with ``load_template`` and served (one app, synthesized once for the module)."""

from __future__ import annotations

import shutil

import httpx
import pytest

from pytest_apigw import HttpLambdaAuthorizer, load_template
from tests.embedded.upstream_servers import running_upstreams

AUTHORIZER_CODE = """
def handler(event, context):
    return {"isAuthorized": event["headers"].get("x-token") == "ok", "context": {"user": "ana"}}
"""
BOOKS_CODE = """
import json
def handler(event, context):
    return {"statusCode": 200, "body": json.dumps({
        "user": event["requestContext"]["authorizer"]["lambda"]["user"],
        "color": (event.get("stageVariables") or {}).get("color"),
        "stage": event["requestContext"]["stage"]})}
"""


@pytest.fixture
def upstreams():
    """Loopback upstream servers, stopped at teardown."""
    yield from running_upstreams()


@pytest.fixture(scope="module")
def stack():
    """A CDK stack with a Lambda authorizer, CORS, a named stage and a mapped HTTP route."""
    if shutil.which("node") is None:
        pytest.skip("aws-cdk-lib runs on Node.js (jsii): no `node` on PATH")
    cdk = pytest.importorskip("aws_cdk")
    from aws_cdk import aws_apigatewayv2 as apigwv2
    from aws_cdk import aws_apigatewayv2_authorizers as authorizers
    from aws_cdk import aws_apigatewayv2_integrations as integrations
    from aws_cdk import aws_lambda as lambda_

    stack = cdk.Stack(cdk.App(), "ShapesStack")

    def function(name: str, code: str) -> lambda_.Function:
        return lambda_.Function(stack, name, runtime=lambda_.Runtime.PYTHON_3_12, handler="index.handler",
                                code=lambda_.Code.from_inline(code))

    authorizer = authorizers.HttpLambdaAuthorizer(
        "TokenAuthorizer", function("AuthFn", AUTHORIZER_CODE),
        response_types=[authorizers.HttpLambdaResponseType.SIMPLE],
        identity_source=["$request.header.x-token"], results_cache_ttl=cdk.Duration.seconds(0))
    api = apigwv2.HttpApi(stack, "ShapesApi", create_default_stage=False,
                          cors_preflight=apigwv2.CorsPreflightOptions(
                              allow_origins=["https://app.example.com"],
                              allow_methods=[apigwv2.CorsHttpMethod.GET]))
    apigwv2.HttpStage(stack, "Live", http_api=api, stage_name="live", auto_deploy=True,
                      stage_variables={"color": "green"})
    api.add_routes(path="/books", methods=[apigwv2.HttpMethod.GET], authorizer=authorizer,
                   integration=integrations.HttpLambdaIntegration("Books", function("BooksFn", BOOKS_CODE)))
    search = integrations.HttpUrlIntegration(
        "Search", "https://search.example.internal/find",
        parameter_mapping=apigwv2.ParameterMapping().append_header(
            "x-stage", apigwv2.MappingValue.context_variable("stage")))
    api.add_routes(path="/search", methods=[apigwv2.HttpMethod.GET], integration=search)
    return stack


def test_cdk_lambda_authorizer_stage_and_cors(apigw, stack):
    template = load_template(stack)
    api = template.api("ShapesApi")
    assert isinstance(api.routes["GET /books"].authorizer, HttpLambdaAuthorizer)
    deployment = apigw.deploy(api)
    assert deployment.url.endswith("/live")
    assert httpx.get(f"{deployment.url}/books").status_code == 401
    assert httpx.get(f"{deployment.url}/books", headers={"x-token": "no"}).status_code == 403
    answer = httpx.get(f"{deployment.url}/books", headers={"x-token": "ok"})
    assert answer.json() == {"user": "ana", "color": "green", "stage": "live"}
    preflight = httpx.options(f"{deployment.url}/books", headers={
        "origin": "https://app.example.com", "access-control-request-method": "GET"})
    assert preflight.headers["access-control-allow-origin"] == "https://app.example.com"


def test_cdk_parameter_mapping_reaches_the_upstream(apigw, stack, upstreams):
    search = upstreams.echo("search")
    template = load_template(stack, upstreams={"https://search.example.internal": search.url})
    deployment = apigw.deploy(template.api())
    seen = httpx.get(f"{deployment.url}/search").json()
    assert seen["path"] == "/find"
    assert ["x-stage", "live"] in seen["headers"]


def test_a_stack_inside_a_stage_of_a_cdk_out(apigw, tmp_path):
    """``cdk.out`` of an app with a ``Stage``: the stack is in a nested assembly."""
    if shutil.which("node") is None:
        pytest.skip("aws-cdk-lib runs on Node.js (jsii): no `node` on PATH")
    cdk = pytest.importorskip("aws_cdk")
    from aws_cdk import aws_apigatewayv2 as apigwv2
    from aws_cdk import aws_apigatewayv2_integrations as integrations

    app = cdk.App(outdir=str(tmp_path / "cdk.out"))
    stack = cdk.Stack(cdk.Stage(app, "Prod"), "Web")
    apigwv2.HttpApi(stack, "WebApi", default_integration=integrations.HttpUrlIntegration(
        "Site", "https://site.example.internal"))
    app.synth()
    api = load_template(tmp_path / "cdk.out", stack="Prod/Web").api("WebApi")
    assert api.routes["$default"].integration.url == "https://site.example.internal"


WS_AUTH_CODE = """
def handler(event, context):
    effect = "Allow" if event["headers"].get("Auth") == "ok" else "Deny"
    return {"principalId": "ana", "policyDocument": {"Version": "2012-10-17", "Statement": [
        {"Action": "execute-api:Invoke", "Effect": effect, "Resource": event["methodArn"]}]}}
"""
WS_CODE = """
def handler(event, context):
    ctx = event["requestContext"]
    if ctx["eventType"] == "MESSAGE":
        return {"statusCode": 200, "body": ctx["routeKey"] + ":" + ctx["authorizer"]["principalId"]}
    return {"statusCode": 200}
"""


def test_cdk_websocket_connect_authorizer_and_default_route(apigw):
    if shutil.which("node") is None:
        pytest.skip("aws-cdk-lib runs on Node.js (jsii): no `node` on PATH")
    cdk = pytest.importorskip("aws_cdk")
    from aws_cdk import aws_apigatewayv2 as apigwv2
    from aws_cdk import aws_apigatewayv2_authorizers as authorizers
    from aws_cdk import aws_apigatewayv2_integrations as integrations
    from aws_cdk import aws_lambda as lambda_

    stack = cdk.Stack(cdk.App(), "WsShapes")

    def function(name: str, code: str) -> lambda_.Function:
        return lambda_.Function(stack, name, runtime=lambda_.Runtime.PYTHON_3_12, handler="index.handler",
                                code=lambda_.Code.from_inline(code))

    handler = function("Handler", WS_CODE)
    api = apigwv2.WebSocketApi(
        stack, "Chat",
        connect_route_options=apigwv2.WebSocketRouteOptions(
            integration=integrations.WebSocketLambdaIntegration("ConnectIntegration", handler),
            authorizer=authorizers.WebSocketLambdaAuthorizer(
                "Gate", function("GateFn", WS_AUTH_CODE), identity_source=["route.request.header.Auth"])),
        default_route_options=apigwv2.WebSocketRouteOptions(
            integration=integrations.WebSocketLambdaIntegration("DefaultIntegration", handler),
            return_response=True),
    )
    apigwv2.WebSocketStage(stack, "Dev", web_socket_api=api, stage_name="dev", auto_deploy=True)
    deployment = apigw.deploy(stack)
    with deployment.ws_connect(headers={"Auth": "ok"}) as client:
        client.send_json({"action": "anything"})
        assert client.recv() == "$default:ana"
    with pytest.raises(Exception, match="403"), deployment.ws_connect(headers={"Auth": "no"}):
        pass
