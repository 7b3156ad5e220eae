"""What ``load_template`` returns is provisioned through the AWS API and served by MiniStack,
like any spec: a hand-written YAML template and the seed's CDK Books stack."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import httpx
import pytest

from pytest_apigw import load_template

DATA = Path(__file__).parents[2] / "templates" / "data"


def test_a_yaml_template_is_provisioned_and_served(deploy, aws) -> None:
    template = load_template(DATA / "shop.yaml", parameters={"Stage": "prod"})
    deployment = deploy(template.api("shop-prod"))
    api_id = deployment.api_id
    assert deployment.url.endswith(f"/{api_id}/prod")

    keys = sorted(r["RouteKey"] for r in aws.apigatewayv2.get_routes(ApiId=api_id)["Items"])
    assert keys == ["GET /catalog/{proxy+}", "GET /orders/{id}", "POST /returns"]
    stages = {s["StageName"]: s for s in aws.apigatewayv2.get_stages(ApiId=api_id)["Items"]}
    assert stages["prod"]["StageVariables"] == {"shelf": "real-shelf"}
    lambdas = [i for i in aws.apigatewayv2.get_integrations(ApiId=api_id)["Items"]
               if i["IntegrationType"] == "AWS_PROXY"]
    lambda_client = aws.get("lambda")
    configs = [lambda_client.get_function_configuration(FunctionName=i["IntegrationUri"]) for i in lambdas]
    assert {c["Handler"] for c in configs} == {"index.handler"}
    assert {c["Runtime"] for c in configs} == {"python3.12"}
    orders = next(c for c in configs if "SHELF" in (c.get("Environment") or {}).get("Variables", {}))
    assert orders["Environment"]["Variables"]["MODE"] == "live"
    assert orders["Timeout"] == 5

    response = httpx.get(f"{deployment.url}/orders/42", timeout=30)
    assert response.status_code == 200
    body = response.json()
    assert (body["SHELF"], body["MODE"], body["id"], body["stage"]) == ("real-shelf", "live", "42", "prod")


def test_the_seed_books_stack_is_provisioned_and_served(deploy, aws) -> None:
    if shutil.which("node") is None:
        pytest.skip("aws-cdk-lib runs on Node.js (jsii): no `node` on PATH")
    pytest.importorskip("aws_cdk", reason="needs aws-cdk-lib (the test extra)")

    sys.path.insert(0, str(Path(__file__).parents[3] / "examples" / "cdk_seed"))
    try:
        from seed_stacks import lambda_stack
    finally:
        sys.path.pop(0)
    import aws_cdk

    deployment = deploy(load_template(lambda_stack(aws_cdk.App())).api("HttpApi"))
    response = httpx.get(f"{deployment.url}/books", timeout=30)
    assert response.status_code == 200
    assert response.json()["shelf"] == "fiction"
