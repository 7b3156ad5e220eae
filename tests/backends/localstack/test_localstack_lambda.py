"""Lambda proxy (payload 2.0 and 1.0) provisioned through the AWS API and served by MiniStack."""

from __future__ import annotations

import json

import httpx
import localstack_handlers as handlers

from pytest_apigw import Function, HttpApi, HttpMethod, HttpStage, LambdaProxyIntegration


def _api(payload: str = "2.0") -> HttpApi:
    fn = Function("Echo", handler=handlers.echo, environment={"GREETING": "hello"}, timeout=7)
    api = HttpApi("Books")
    integration = LambdaProxyIntegration(handler=fn, payload_format_version=payload)
    api.add_routes(path="/books", methods=[HttpMethod.GET, HttpMethod.POST], integration=integration)
    api.add_routes(path="/books/{id}", methods=[HttpMethod.GET], integration=integration)
    return api


def test_lambda_proxy_v2_is_provisioned_and_served(deploy, aws) -> None:
    deployment = deploy(_api())
    api_id = deployment.api_id
    assert deployment.url.endswith(f"/_aws/execute-api/{api_id}/$default")

    routes = aws.apigatewayv2.get_routes(ApiId=api_id)["Items"]
    assert sorted(r["RouteKey"] for r in routes) == ["GET /books", "GET /books/{id}", "POST /books"]
    integrations = aws.apigatewayv2.get_integrations(ApiId=api_id)["Items"]
    assert len(integrations) == 1  # one integration object → one AWS integration, as CDK
    (integration,) = integrations
    assert integration["IntegrationType"] == "AWS_PROXY"
    assert integration["PayloadFormatVersion"] == "2.0"
    assert {r["Target"] for r in routes} == {f"integrations/{integration['IntegrationId']}"}
    function_arn = integration["IntegrationUri"]
    config = aws.get("lambda").get_function_configuration(FunctionName=function_arn)
    assert config["Handler"] == "localstack_handlers.echo"
    assert config["Runtime"] == "python3.11"
    assert config["Timeout"] == 7
    assert config["Environment"]["Variables"] == {"GREETING": "hello"}
    policy = json.loads(aws.get("lambda").get_policy(FunctionName=function_arn)["Policy"])
    sources = sorted(s["Condition"]["ArnLike"]["AWS:SourceArn"].split(":", 5)[5] for s in policy["Statement"])
    assert sources == [f"{api_id}/*/*/books", f"{api_id}/*/*/books", f"{api_id}/*/*/books/{{id}}"]
    stages = aws.apigatewayv2.get_stages(ApiId=api_id)["Items"]
    assert [(s["StageName"], s["AutoDeploy"]) for s in stages] == [("$default", True)]

    response = httpx.get(f"{deployment.url}/books/42", timeout=30)
    assert response.status_code == 200
    body = response.json()
    assert body["version"] == "2.0"
    assert body["routeKey"] == "GET /books/{id}"
    assert body["pathParameters"] == {"id": "42"}
    assert body["greeting"] == "hello"


def test_lambda_proxy_v1_event(deploy, aws) -> None:
    deployment = deploy(_api("1.0"))
    (integration,) = aws.apigatewayv2.get_integrations(ApiId=deployment.api_id)["Items"]
    assert integration["PayloadFormatVersion"] == "1.0"
    response = httpx.post(f"{deployment.url}/books", content=b"{}", timeout=30)
    assert response.status_code == 200
    assert response.json()["method"] == "POST"


def test_named_stages_with_and_without_auto_deploy(deploy, aws) -> None:
    api = _api()
    HttpStage("Dev", http_api=api, stage_name="dev", stage_variables={"color": "blue"})
    HttpStage("Prod", http_api=api, stage_name="prod", auto_deploy=False)
    deployment = deploy(api, stage="dev")
    api_id = deployment.api_id
    assert deployment.url.endswith(f"/{api_id}/dev")
    assert set(deployment.stage_urls) == {"$default", "dev", "prod"}
    stages = {s["StageName"]: s for s in aws.apigatewayv2.get_stages(ApiId=api_id)["Items"]}
    assert stages["dev"]["StageVariables"] == {"color": "blue"}
    assert stages["prod"]["AutoDeploy"] is False
    assert aws.apigatewayv2.get_deployments(ApiId=api_id)["Items"]  # prod got its first deployment

    response = httpx.get(f"{deployment.url}/books", timeout=30)
    assert response.status_code == 200
    assert response.json()["stage"] == "dev"

    same = api.routes["GET /books"].integration
    api.add_routes(path="/authors", methods=[HttpMethod.GET], integration=same)
    deployment.redeploy()
    keys = {r["RouteKey"] for r in aws.apigatewayv2.get_routes(ApiId=api_id)["Items"]}
    assert "GET /authors" in keys
    assert httpx.get(f"{deployment.url_for('prod')}/authors", timeout=30).status_code == 200


def test_a_function_name_the_spec_gives_is_used_as_is(deploy, aws) -> None:
    """As CloudFormation's FunctionName: what the handler's context says is the spec's name
    (without it, a unique name is made from the id)."""
    import secrets

    name = f"books-api-{secrets.token_hex(3)}"
    fn = Function("WhoAmI", handler=handlers.whoami, function_name=name)
    deployment = deploy(HttpApi("Named", default_integration=LambdaProxyIntegration(handler=fn)))
    assert aws.get("lambda").get_function_configuration(FunctionName=name)["FunctionName"] == name
    assert httpx.get(f"{deployment.url}/x", timeout=30).text == name


def test_a_node_function_is_packaged_and_served(deploy, tmp_path) -> None:
    """A Node.js function's code folder is shipped as is, with its runtime and handler."""
    import shutil

    import pytest

    if shutil.which("node") is None:
        pytest.skip("MiniStack runs Node.js functions with this machine's node, which is missing")
    (tmp_path / "index.js").write_text(
        "exports.handler = async (event, context) =>\n"
        "  ({ statusCode: 200, body: `node ${process.version} says ${event.rawPath}` });\n"
    )
    fn = Function("NodeFn", runtime="nodejs20.x", handler="index.handler", code=tmp_path)
    deployment = deploy(HttpApi("Node", default_integration=LambdaProxyIntegration(handler=fn)))
    response = httpx.get(f"{deployment.url}/hello", timeout=60)
    assert response.status_code == 200, response.text
    assert response.text.startswith("node v") and response.text.endswith(" says /hello")
