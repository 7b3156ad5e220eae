"""HTTP proxy integrations provisioned through the AWS API and served by MiniStack."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from loopback_upstream import serving

from pytest_apigw import HttpApi, HttpMethod, HttpProxyIntegration


@pytest.fixture
def upstream() -> Iterator[str]:
    with serving() as port:
        yield f"http://127.0.0.1:{port}"


def test_http_proxy_is_provisioned_and_served(deploy, aws, upstream) -> None:
    api = HttpApi("Proxy")
    api.add_routes(path="/things", methods=[HttpMethod.GET],
                   integration=HttpProxyIntegration(url=f"{upstream}/things", timeout=5))
    deployment = deploy(api)
    (integration,) = aws.apigatewayv2.get_integrations(ApiId=deployment.api_id)["Items"]
    assert integration["IntegrationType"] == "HTTP_PROXY"
    assert integration["IntegrationUri"] == f"{upstream}/things"
    assert integration["IntegrationMethod"] == "ANY"
    assert integration["TimeoutInMillis"] == 5000
    assert integration["PayloadFormatVersion"] == "1.0"

    response = httpx.get(f"{deployment.url}/things", timeout=30)
    assert response.status_code == 200
    assert response.json()["upstream_path"].startswith("/things")
