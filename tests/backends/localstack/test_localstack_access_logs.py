"""Access logs and route coverage on the localstack backend (against MiniStack).

The stage is provisioned with ``AccessLogSettings`` pointing at a log group the backend creates
(and deletes); ``deployment.access_log`` reads that group back through the CloudWatch Logs API.
MiniStack writes no lines there, so the backend declares the ``access_logs`` capability lacking
(route coverage then counts client-side: ``test_localstack_route_coverage.py``).
"""

from __future__ import annotations

import time

import httpx
import localstack_handlers as handlers
from pytest_apigw_embedded.backend import EmbeddedBackend
from pytest_apigw_localstack.backend import LocalStackBackend, provisioned
from pytest_apigw_localstack.translate import access_logs

from pytest_apigw import Function, HttpApi, HttpMethod, HttpStage, LambdaProxyIntegration, capabilities
from pytest_apigw.access_log import HTTP_JSON_FORMAT
from pytest_apigw.coverage import data as model
from pytest_apigw.coverage import route_log
from pytest_apigw.coverage.collect import Collector

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


class WritesAccessLogs(LocalStackBackend):
    """The localstack backend as against an endpoint that writes access logs (LocalStack Pro):
    MiniStack writes none, so the test writes the lines itself, as the gateway would."""

    def _declare(self) -> None:
        super()._declare()
        self.capability_gaps.pop(capabilities.ACCESS_LOGS, None)


def books(default_format: str | None, dev_format: str) -> HttpApi:
    api = HttpApi("Books", create_default_stage=False)
    HttpStage("Default", http_api=api, stage_name="$default", access_log_format=default_format)
    HttpStage("Dev", http_api=api, stage_name="dev", access_log_format=dev_format)
    fn = LambdaProxyIntegration(handler=Function("Echo", handler=handlers.echo))
    api.add_routes(path="/books", methods=[HttpMethod.GET, HttpMethod.POST], integration=fn)
    api.add_routes(path="/books/{id}", methods=[HttpMethod.GET], integration=fn)
    return api


def exercise(deployment) -> None:
    with deployment.client(timeout=30) as client:
        assert client.get("/books").status_code == 200
        assert client.get(deployment.url_for("dev") + "/books/1").status_code == 200
        assert client.get(deployment.url_for("dev") + "/books/2").status_code == 200
        assert client.delete("/books").status_code == 404


def test_route_coverage_reads_each_stages_log_group_back_through_cloudwatch(ministack) -> None:
    """Coverage's format on the stage without one, the user's on the other; the lines (rendered by
    the embedded gateway for the same requests) read back through the CloudWatch Logs API give the
    embedded invocation log's counts. What is NOT verified here: that LocalStack Pro or AWS write
    those lines (MiniStack writes none)."""
    embedded = EmbeddedBackend()
    embedded.start()
    reference = Collector()
    reference.start()
    twin = embedded.deploy(books(route_log.FORMAT, HTTP_JSON_FORMAT))
    reference.deployed(twin)
    exercise(twin)
    lines = twin.access_log
    twin.close()
    reference.stop()
    embedded.close()

    backend = WritesAccessLogs(endpoint=ministack.url)
    backend.start()
    backend.translator.route_log_format = route_log.FORMAT  # what --apigw-coverage sets
    collector = Collector()
    try:
        deployment = backend.deploy(books(None, HTTP_JSON_FORMAT))
        collector.deployed(deployment)
        stages = {s: backend.clients.apigatewayv2.get_stage(ApiId=deployment.api_id, StageName=s)
                  for s in ("$default", "dev")}
        assert stages["$default"]["AccessLogSettings"]["Format"] == route_log.FORMAT
        assert stages["dev"]["AccessLogSettings"]["Format"] == HTTP_JSON_FORMAT
        exercise(deployment)
        now = int(time.time() * 1000)
        for resource in provisioned(deployment).ledger.of(access_logs.KIND):
            fmt = resource.extra["format"]
            mine = [line for line in lines if route_log.parse_line(fmt, line) is not None]
            backend.clients.logs.create_log_stream(logGroupName=resource.id, logStreamName="gateway")
            backend.clients.logs.put_log_events(
                logGroupName=resource.id, logStreamName="gateway",
                logEvents=[{"timestamp": now + i, "message": line} for i, line in enumerate(mine)])
        users = deployment.access_log  # the user's stage only: coverage's group stays out of it
        assert len(users) == 2 and all('"routeKey":"GET /books/{id}"' in line for line in users)
        deployment.close()  # coverage reads the groups first
    finally:
        backend.close()
    seen = collector.snapshot()["apis"]["Books"]
    expected = reference.snapshot()["apis"]["Books"]
    assert seen["sources"] == [model.SOURCE_ACCESS_LOG]
    assert (seen["routes"], seen["unmatched"]) == (expected["routes"], expected["unmatched"])
    assert seen["routes"]["GET /books/{id}"]["requests"] == 2 and seen["unmatched"]["requests"] == 1


def test_an_account_that_may_not_log_gets_its_stage_without_coverages_log(ministack, monkeypatch) -> None:
    """AWS refuses access logging on a WebSocket stage until the account has a CloudWatch Logs role
    (``BadRequestException: CloudWatch Logs role ARN must be set in account settings to enable
    logging``, reported in sst/ion#373): coverage's own log is dropped, the deploy goes on, and the
    API is counted client-side with the reason."""
    from botocore.exceptions import ClientError

    backend = WritesAccessLogs(endpoint=ministack.url)
    backend.start()
    backend.translator.route_log_format = route_log.FORMAT
    real = backend.clients.apigatewayv2.create_stage
    message = "CloudWatch Logs role ARN must be set in account settings to enable logging"
    refusal = {"Error": {"Code": "BadRequestException", "Message": message}}

    def create_stage(**kwargs):
        if "AccessLogSettings" in kwargs:
            raise ClientError(refusal, "CreateStage")
        return real(**kwargs)

    monkeypatch.setattr(backend.clients.apigatewayv2, "create_stage", create_stage)
    collector = Collector()
    try:
        api = HttpApi("Books")  # its $default stage has no access_log_format
        api.add_routes(path="/books", methods=[HttpMethod.GET],
                       integration=LambdaProxyIntegration(handler=Function("Echo", handler=handlers.echo)))
        deployment = backend.deploy(api)
        collector.deployed(deployment)
        stage = backend.clients.apigatewayv2.get_stage(ApiId=deployment.api_id, StageName="$default")
        assert "AccessLogSettings" not in stage
        assert backend.stage_access_logs(deployment) == []
        with deployment.client(timeout=30) as client:
            assert client.get("/books").status_code == 200
        deployment.close()
    finally:
        backend.close()
    books_seen = collector.snapshot()["apis"]["Books"]
    assert books_seen["sources"] == [
        "client-side: requests through the fixture's clients only (no access log on stage '$default')"]
    assert books_seen["routes"]["GET /books"]["requests"] == 1
