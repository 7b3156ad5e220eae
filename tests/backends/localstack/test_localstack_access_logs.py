"""Access logs and route coverage on the localstack backend (against MiniStack).

The stage is provisioned with ``AccessLogSettings`` pointing at a log group the backend creates
(and deletes); ``deployment.access_log`` reads that group back through the CloudWatch Logs API.
MiniStack writes no lines there, so the backend declares the ``access_logs`` capability lacking,
and route coverage says it cannot be collected instead of reporting zeros.
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


def test_route_coverage_is_declared_not_collected(pytester, ministack) -> None:
    pytester.makepyfile(test_probe="""
        import httpx
        from pytest_apigw import Function, HttpApi, HttpMethod, LambdaProxyIntegration

        def hello(event, context):
            return {"statusCode": 200, "body": "hi"}

        def test_hello(apigw):
            api = HttpApi("Hello")
            integration = LambdaProxyIntegration(handler=Function("Hello", handler=hello))
            api.add_routes(path="/hello", methods=[HttpMethod.GET], integration=integration)
            api.add_routes(path="/bye", methods=[HttpMethod.GET], integration=integration)
            deployment = apigw.deploy(api)
            assert httpx.get(deployment.url + "/hello", timeout=30).status_code == 200
    """)
    pytester.syspathinsert()
    result = pytester.runpytest_subprocess(
        "--apigw=localstack", f"--apigw-endpoint={ministack.url}", "--apigw-no-conformance",
        "--apigw-coverage", "--apigw-coverage-fail-under=10", "-p", "no:randomly",
    )
    result.stdout.fnmatch_lines([
        "HttpApi 'Hello' (1 deployment): 2 routes, requests not collected",
        "not collected on backend 'localstack': backend 'localstack' cannot say which route a request "
        "matched (no 'invocation_log' capability)",
        "FAIL Required apigw route coverage of 10% cannot be checked: *",
    ])
    assert result.ret == 1
