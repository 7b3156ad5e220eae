"""A stage's ``AccessLogSettings.Format`` in a template is the deployed stage's access log."""

from __future__ import annotations

import httpx
import pytest

from pytest_apigw import SpecError, load_template
from tests.embedded.upstream_servers import running_upstreams
from tests.templates.test_template_features import WEBSOCKET_TEMPLATE, _load

LOGGED_TEMPLATE = """
Parameters:
  UpstreamUrl: {Type: String}
Resources:
  Api: {Type: AWS::ApiGatewayV2::Api, Properties: {Name: logged, ProtocolType: HTTP}}
  Proxy:
    Type: AWS::ApiGatewayV2::Integration
    Properties: {ApiId: !Ref Api, IntegrationType: HTTP_PROXY, IntegrationMethod: ANY,
                 IntegrationUri: !Ref UpstreamUrl, PayloadFormatVersion: "1.0"}
  Route:
    Type: AWS::ApiGatewayV2::Route
    Properties: {ApiId: !Ref Api, RouteKey: GET /books, Target: !Sub "integrations/${Proxy}"}
  Logs: {Type: AWS::Logs::LogGroup}
  Stage:
    Type: AWS::ApiGatewayV2::Stage
    Properties:
      ApiId: !Ref Api
      StageName: $default
      AutoDeploy: true
      AccessLogSettings:
        DestinationArn: !GetAtt Logs.Arn
        Format: $context.requestId $context.routeKey $context.status $context.integrationStatus
"""


@pytest.fixture
def upstreams():
    """Loopback upstream servers, stopped at teardown."""
    yield from running_upstreams()


def test_http_stage_access_log_settings_from_a_template(apigw, upstreams, tmp_path):
    backend = upstreams.echo("backend", status=201)
    template = _load(tmp_path, LOGGED_TEMPLATE, parameters={"UpstreamUrl": backend.url})
    deployment = apigw.deploy(template.api("logged"))
    response = httpx.get(f"{deployment.url}/books")
    assert response.status_code == 201
    assert deployment.access_log == [f"{response.headers['apigw-requestid']} GET /books 201 201"]


def test_websocket_stage_access_log_settings_from_a_template(apigw, tmp_path):
    logged = WEBSOCKET_TEMPLATE.replace(
        "Properties: {ApiId: !Ref Chat, StageName: dev, AutoDeploy: true}",
        "Properties: {ApiId: !Ref Chat, StageName: dev, AutoDeploy: true,\n"
        "                 AccessLogSettings: {Format: '$context.requestId $context.eventType'}}",
    )
    deployment = apigw.deploy(_load(tmp_path, logged).api("chat"))
    with deployment.ws_connect(headers={"Auth": "letmein"}) as client:
        client.send_json({"action": "sendmessage"})
        client.recv_json()
    assert [line.split(" ")[1] for line in deployment.access_log[:2]] == ["CONNECT", "MESSAGE"]


def test_a_format_aws_refuses_names_the_stage(tmp_path):
    bad = LOGGED_TEMPLATE.replace("Format: $context.requestId $context.routeKey", "Format: $context.routeKey")
    with pytest.raises(SpecError, match="Stage.*must include \\$context.requestId"):
        load_template(_write(tmp_path, bad), parameters={"UpstreamUrl": "http://127.0.0.1:9"}).api()


def _write(tmp_path, text):
    path = tmp_path / "template.yaml"
    path.write_text(text)
    return path
