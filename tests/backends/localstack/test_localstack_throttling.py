"""Stage and route throttling provisioned through the AWS API (CreateStage's
``DefaultRouteSettings`` / ``RouteSettings``), checked on a real MiniStack."""

from __future__ import annotations

import httpx
import localstack_handlers as handlers

from pytest_apigw import Function, HttpApi, HttpMethod, HttpStage, LambdaProxyIntegration, ThrottleSettings


def test_throttling_is_provisioned_on_the_stage(deploy, aws, localstack) -> None:
    api = HttpApi("Throttled", create_default_stage=False)
    api.add_routes(path="/books", methods=[HttpMethod.GET],
                   integration=LambdaProxyIntegration(handler=Function("Echo", handler=handlers.echo)))
    HttpStage("Prod", http_api=api, stage_name="prod",
              throttle=ThrottleSettings(rate_limit=10, burst_limit=5),
              route_throttles={"GET /books": ThrottleSettings(burst_limit=0)})
    deployment = deploy(api)
    stage = aws.apigatewayv2.get_stage(ApiId=deployment.api_id, StageName="prod")
    assert stage["DefaultRouteSettings"]["ThrottlingBurstLimit"] == 5
    assert stage["DefaultRouteSettings"]["ThrottlingRateLimit"] == 10.0
    assert stage["RouteSettings"]["GET /books"]["ThrottlingBurstLimit"] == 0
    assert "ThrottlingRateLimit" not in stage["RouteSettings"]["GET /books"]
    status = httpx.get(f"{deployment.url}/books", timeout=30).status_code
    if localstack.supports("http.throttling") and "http.throttling" not in localstack.capability_gaps:
        assert status == 429  # burst 0 on the route: every request is refused
    else:
        assert status == 200  # the endpoint stores the settings but does not enforce them
