"""Access logs and route coverage on the localstack backend (against MiniStack).

The stage is provisioned with ``AccessLogSettings`` pointing at a log group the backend creates
(and deletes); ``deployment.access_log`` reads that group back through the CloudWatch Logs API.
MiniStack writes no lines there, so the backend declares the ``access_logs`` capability lacking
(route coverage then counts client-side: ``test_localstack_route_coverage.py``).
"""

from __future__ import annotations

import httpx
import localstack_handlers as handlers

from pytest_apigw import Function, HttpApi, HttpMethod, HttpStage, LambdaProxyIntegration, capabilities

FORMAT = '{"requestId":"$context.requestId","routeKey":"$context.routeKey","status":"$context.status"}'


def test_stage_gets_access_log_settings_and_its_log_group_goes_at_teardown(deploy, aws, localstack) -> None:
    api = HttpApi("Logged", create_default_stage=False)
    HttpStage("Dev", http_api=api, stage_name="dev", access_log_format=FORMAT)
    api.add_routes(path="/books", methods=[HttpMethod.GET],
                   integration=LambdaProxyIntegration(handler=Function("Echo", handler=handlers.echo)))
    deployment = deploy(api)
    stage = aws.apigatewayv2.get_stage(ApiId=deployment.api_id, StageName="dev")
    settings = stage["AccessLogSettings"]
    assert settings["Format"] == FORMAT
    group = settings["DestinationArn"].split(":log-group:", 1)[1]
    assert settings["DestinationArn"].startswith("arn:aws:logs:us-east-1:")
    assert group.startswith("/aws/apigateway/apigw-")
    groups = aws.logs.describe_log_groups(logGroupNamePrefix=group)["logGroups"]
    assert [g["logGroupName"] for g in groups] == [group]
    assert httpx.get(f"{deployment.url}/books", timeout=30).status_code == 200
    assert not localstack.supports(capabilities.ACCESS_LOGS)
    assert deployment.access_log == []  # read back through the logs API: MiniStack wrote none
    deployment.close()
    assert aws.logs.describe_log_groups(logGroupNamePrefix=group)["logGroups"] == []
    assert deployment.access_log == []  # the group is gone: nothing to read, no error
