"""The ``aws`` backend: opt-in, and the same translator (exercised here against MiniStack)."""

from __future__ import annotations

import os

import localstack_handlers as handlers
import pytest
from pytest_apigw_localstack.backend import AwsBackend
from pytest_apigw_localstack.clients import localstack_clients

from pytest_apigw import BackendUnavailable, Function, HttpApi, HttpMethod, HttpStage, LambdaProxyIntegration


def _api() -> HttpApi:
    api = HttpApi("AwsContract")
    api.add_routes(path="/ping", methods=[HttpMethod.GET],
                   integration=LambdaProxyIntegration(handler=Function("AwsEcho", handler=handlers.echo)))
    HttpStage("Dev", http_api=api, stage_name="dev")
    return api


def test_refuses_without_opt_in(monkeypatch) -> None:
    monkeypatch.delenv("PYTEST_APIGW_AWS", raising=False)
    with pytest.raises(BackendUnavailable, match=r"real, billable resources.*--apigw=aws"):
        AwsBackend().start()


def test_refuses_when_an_endpoint_would_redirect_boto3(monkeypatch) -> None:
    monkeypatch.setenv("PYTEST_APIGW_AWS", "1")
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:1")
    with pytest.raises(BackendUnavailable, match="AWS_ENDPOINT_URL is set"):
        AwsBackend().start()


def test_same_translator_against_ministack(ministack, aws) -> None:
    backend = AwsBackend(clients=localstack_clients(ministack.url))
    try:
        deployment = backend.deploy(_api())
        keys = [r["RouteKey"] for r in aws.apigatewayv2.get_routes(ApiId=deployment.api_id)["Items"]]
        assert keys == ["GET /ping"]
        endpoint = aws.apigatewayv2.get_api(ApiId=deployment.api_id)["ApiEndpoint"]
        assert deployment.url == endpoint  # $default: the API endpoint itself, as on AWS
        assert deployment.url_for("dev") == f"{endpoint}/dev"
        ledger = list(deployment.handle.ledger.resources)
        deployment.close()
        assert deployment.api_id not in {a["ApiId"] for a in aws.apigatewayv2.get_apis()["Items"]}
        names = {f["FunctionName"] for f in aws.get("lambda").list_functions()["Functions"]}
        assert not names & {r.id for r in ledger if r.kind == "function"}
    finally:
        backend.close()


@pytest.mark.skipif(
    os.environ.get("PYTEST_APIGW_AWS") != "1",
    reason="real AWS contract run: set PYTEST_APIGW_AWS=1 with AWS credentials (creates billable resources)",
)
def test_real_aws_lambda_proxy() -> None:  # pragma: no cover - needs an account
    import httpx

    backend = AwsBackend()
    try:
        deployment = backend.deploy(_api())
        response = httpx.get(f"{deployment.url_for('dev')}/ping", timeout=30)
        assert response.status_code == 200
        assert response.json()["path"] == "/dev/ping"
        deployment.close()
    finally:
        backend.close()
