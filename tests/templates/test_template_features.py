"""More of what templates hold, served for real: JWT authorizers with scopes, parameter mapping
in CloudFormation's spelling, a WebSocket API with a ``$connect`` Lambda authorizer, and load
balancer targets taken from the template itself."""

from __future__ import annotations

import httpx
import pytest

from pytest_apigw import load_template
from pytest_apigw.errors import NotServedWarning
from pytest_apigw.invocations import LOG
from tests.embedded.upstream_servers import running_upstreams
from tests.support.oidc import AUDIENCE, issuer  # noqa: F401 - the fixture

JWT_TEMPLATE = """
Parameters:
  IssuerUrl: {Type: String}
  UpstreamUrl: {Type: String}
Resources:
  Api: {Type: AWS::ApiGatewayV2::Api, Properties: {Name: secured, ProtocolType: HTTP}}
  Stage:
    Type: AWS::ApiGatewayV2::Stage
    Properties: {ApiId: !Ref Api, StageName: $default, AutoDeploy: true}
  Jwt:
    Type: AWS::ApiGatewayV2::Authorizer
    Properties:
      ApiId: !Ref Api
      Name: jwt
      AuthorizerType: JWT
      IdentitySource: [$request.header.Authorization]
      JwtConfiguration: {Issuer: !Ref IssuerUrl, Audience: [AUDIENCE]}
  Proxy:
    Type: AWS::ApiGatewayV2::Integration
    Properties:
      ApiId: !Ref Api
      IntegrationType: HTTP_PROXY
      IntegrationMethod: ANY
      IntegrationUri: !Ref UpstreamUrl
      PayloadFormatVersion: "1.0"
      RequestParameters:
        overwrite:path: /backend/${request.path.id}
        append:header.x-client-name: $request.header.x-client
      ResponseParameters:
        "200":
          ResponseParameters:
            - {Destination: overwrite:statuscode, Source: "202"}
            - {Destination: append:header.x-mapped, Source: "yes"}
  Route:
    Type: AWS::ApiGatewayV2::Route
    Properties:
      ApiId: !Ref Api
      RouteKey: GET /books/{id}
      AuthorizationType: JWT
      AuthorizerId: !Ref Jwt
      AuthorizationScopes: [books:read]
      Target: !Sub integrations/${Proxy}
""".replace("AUDIENCE", AUDIENCE)

WEBSOCKET_TEMPLATE = """
Resources:
  Chat:
    Type: AWS::ApiGatewayV2::Api
    Properties: {Name: chat, ProtocolType: WEBSOCKET, RouteSelectionExpression: $request.body.action}
  Dev:
    Type: AWS::ApiGatewayV2::Stage
    Properties: {ApiId: !Ref Chat, StageName: dev, AutoDeploy: true}
  Handler:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: index.handler
      Code:
        ZipFile: |
          import json
          def handler(event, context):
              ctx = event["requestContext"]
              if ctx["eventType"] != "MESSAGE":
                  return {"statusCode": 200}
              who = ctx["authorizer"]["principalId"]
              return {"statusCode": 200, "body": json.dumps({"route": ctx["routeKey"], "who": who})}
  Gate:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: index.handler
      Code:
        ZipFile: |
          def handler(event, context):
              allowed = event["headers"].get("Auth") == "letmein" or event["headers"].get("auth") == "letmein"
              return {"principalId": "ana", "policyDocument": {"Version": "2012-10-17", "Statement": [
                  {"Action": "execute-api:Invoke", "Effect": "Allow" if allowed else "Deny",
                   "Resource": event["methodArn"]}]}}
  Authorizer:
    Type: AWS::ApiGatewayV2::Authorizer
    Properties:
      ApiId: !Ref Chat
      Name: gate
      AuthorizerType: REQUEST
      IdentitySource: [route.request.header.Auth]
      AuthorizerUri: !Sub "arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/\
        ${Gate.Arn}/invocations"
  Integration:
    Type: AWS::ApiGatewayV2::Integration
    Properties:
      ApiId: !Ref Chat
      IntegrationType: AWS_PROXY
      IntegrationUri: !Sub "arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/\
        ${Handler.Arn}/invocations"
  GatePermission:
    Type: AWS::Lambda::Permission
    Properties:
      Action: lambda:InvokeFunction
      FunctionName: !GetAtt Gate.Arn
      Principal: apigateway.amazonaws.com
      SourceArn: !Sub arn:aws:execute-api:${AWS::Region}:${AWS::AccountId}:${Chat}/authorizers/${Authorizer}
  HandlerPermission:
    Type: AWS::Lambda::Permission
    Properties:
      Action: lambda:InvokeFunction
      FunctionName: !Ref Handler
      Principal: apigateway.amazonaws.com
      SourceArn: !Sub arn:aws:execute-api:${AWS::Region}:${AWS::AccountId}:${Chat}/*
  Connect:
    Type: AWS::ApiGatewayV2::Route
    Properties:
      ApiId: !Ref Chat
      RouteKey: $connect
      AuthorizationType: CUSTOM
      AuthorizerId: !Ref Authorizer
      Target: !Sub integrations/${Integration}
  Send:
    Type: AWS::ApiGatewayV2::Route
    Properties:
      ApiId: !Ref Chat
      RouteKey: sendmessage
      RouteResponseSelectionExpression: $default
      Target: !Sub integrations/${Integration}
  SendResponse:
    Type: AWS::ApiGatewayV2::RouteResponse
    Properties:
      ApiId: !Ref Chat
      RouteId: !Ref Send
      RouteResponseKey: $default
"""


@pytest.fixture
def upstreams():
    """Loopback upstream servers, stopped at teardown."""
    yield from running_upstreams()


def _load(tmp_path, text, **options):
    path = tmp_path / "template.yaml"
    path.write_text(text)
    return load_template(path, **options)


def test_jwt_authorizer_scopes_and_parameter_mapping(apigw, issuer, upstreams, tmp_path):  # noqa: F811
    backend = upstreams.echo("backend")
    template = _load(tmp_path, JWT_TEMPLATE, parameters={"IssuerUrl": issuer.url, "UpstreamUrl": backend.url})
    deployment = apigw.deploy(template.api("secured"))
    url = f"{deployment.url}/books/7"
    assert httpx.get(url).status_code == 401
    assert httpx.get(url, headers={"authorization": issuer.token(scope="profile")}).status_code == 403
    response = httpx.get(url, headers={"authorization": f"Bearer {issuer.token(scope='books:read')}",
                                       "x-client": "ana-the-client"})
    assert response.status_code == 202
    assert response.headers["x-mapped"] == "yes"
    seen = response.json()
    assert seen["path"] == "/backend/7"
    assert ["x-client-name", "ana-the-client"] in seen["headers"]


def test_a_websocket_route_without_a_route_response_is_one_way(apigw, tmp_path):
    """"API Gateway will not pass the backend response through to the route response, unless
    you set up a route response" (AWS developer guide): a route selection expression alone does
    not make a route two-way. The handler runs; its answer stays with the gateway."""
    one_way = WEBSOCKET_TEMPLATE.split("  SendResponse:")[0]
    deployment = apigw.deploy(_load(tmp_path, one_way).api("chat"))
    with deployment.ws_connect(headers={"Auth": "letmein"}) as client:
        mark = LOG.mark()
        client.send_json({"action": "sendmessage"})
        with pytest.raises(TimeoutError):
            client.recv(timeout=0.5)
    sent = [record for record in LOG.since(mark) if "sendmessage" in record.describe()]
    assert sent and sent[0].status == 200


def test_websocket_connect_authorizer_from_a_template(apigw, tmp_path):
    deployment = apigw.deploy(_load(tmp_path, WEBSOCKET_TEMPLATE).api("chat"))
    with deployment.ws_connect(headers={"Auth": "letmein"}) as client:
        client.send_json({"action": "sendmessage"})
        assert client.recv_json() == {"route": "sendmessage", "who": "ana"}
    with pytest.raises(Exception, match="403"), deployment.ws_connect(headers={"Auth": "wrong"}):
        pass


def test_websocket_route_without_a_lambda_permission_fails(apigw, tmp_path):
    narrow = WEBSOCKET_TEMPLATE.replace("${Chat}/*\n", "${Chat}/*/$connect\n")
    deployment = apigw.deploy(_load(tmp_path, narrow).api())
    mark = LOG.mark()
    with deployment.ws_connect(headers={"Auth": "letmein"}) as client:     # $connect is permitted
        client.send_json({"action": "sendmessage"})                      # sendmessage is not
        reply = client.recv_json()
    assert reply["message"] == "Internal server error"
    assert any("AWS::Lambda::Permission" in (r.error or "") for r in LOG.since(mark))


def test_an_authorizer_without_a_lambda_permission_refuses_with_500(apigw, tmp_path):
    without = WEBSOCKET_TEMPLATE.replace("FunctionName: !GetAtt Gate.Arn", "FunctionName: !Ref Handler")
    deployment = apigw.deploy(_load(tmp_path, without).api())
    mark = LOG.mark()
    with pytest.raises(Exception, match="500"), deployment.ws_connect(headers={"Auth": "letmein"}):
        pass
    assert any("AWS::Lambda::Permission" in (r.error or "") for r in LOG.since(mark))


def test_load_balancer_targets_from_the_template(apigw, upstreams):
    one, two = upstreams.echo("one"), upstreams.echo("two")
    template = load_template({"Resources": {
        "Lb": {"Type": "AWS::ElasticLoadBalancingV2::LoadBalancer", "Properties": {"Type": "application"}},
        "Listener": {"Type": "AWS::ElasticLoadBalancingV2::Listener", "Properties": {
            "LoadBalancerArn": {"Ref": "Lb"}, "Port": 80, "Protocol": "HTTP",
            "DefaultActions": [{"Type": "forward", "TargetGroupArn": {"Ref": "Targets"}}]}},
        "Targets": {"Type": "AWS::ElasticLoadBalancingV2::TargetGroup", "Properties": {
            "Port": 80, "Protocol": "HTTP", "TargetType": "ip",
            "Targets": [{"Id": "127.0.0.1", "Port": one.port}, {"Id": "127.0.0.1", "Port": two.port}]}},
        "Link": {"Type": "AWS::ApiGatewayV2::VpcLink", "Properties": {"Name": "link", "SubnetIds": []}},
        "Api": {"Type": "AWS::ApiGatewayV2::Api", "Properties": {"Name": "private", "ProtocolType": "HTTP"}},
        "Stage": {"Type": "AWS::ApiGatewayV2::Stage", "Properties": {
            "ApiId": {"Ref": "Api"}, "StageName": "$default", "AutoDeploy": True}},
        "Integration": {"Type": "AWS::ApiGatewayV2::Integration", "Properties": {
            "ApiId": {"Ref": "Api"}, "IntegrationType": "HTTP_PROXY", "IntegrationMethod": "ANY",
            "ConnectionType": "VPC_LINK", "ConnectionId": {"Ref": "Link"},
            "IntegrationUri": {"Ref": "Listener"}, "PayloadFormatVersion": "1.0"}},
        "Route": {"Type": "AWS::ApiGatewayV2::Route", "Properties": {
            "ApiId": {"Ref": "Api"}, "RouteKey": "$default",
            "Target": {"Fn::Sub": "integrations/${Integration}"}}},
    }})
    deployment = apigw.deploy(template)
    served = {httpx.get(f"{deployment.url}/x").json()["server"] for _ in range(4)}
    assert served == {"one", "two"}


def test_a_websocket_mock_integration_route_is_left_out_with_a_warning(apigw, tmp_path):
    """CDK's ``WebSocketMockIntegration`` (``IntegrationType: MOCK``): deployed by AWS, not served
    here; the route is left out with a warning and the API's other routes still answer."""
    mocked = WEBSOCKET_TEMPLATE + """
  Mock:
    Type: AWS::ApiGatewayV2::Integration
    Properties:
      ApiId: !Ref Chat
      IntegrationType: MOCK
  Ping:
    Type: AWS::ApiGatewayV2::Route
    Properties:
      ApiId: !Ref Chat
      RouteKey: ping
      Target: !Sub integrations/${Mock}
"""
    with pytest.warns(NotServedWarning, match=r"MOCK integrations are not served.*route 'ping' is left out"):
        api = _load(tmp_path, mocked).api("chat")
    assert "ping" not in api.routes
    deployment = apigw.deploy(api)
    with deployment.ws_connect(headers={"Auth": "letmein"}) as client:
        client.send_json({"action": "sendmessage"})
        assert client.recv_json() == {"route": "sendmessage", "who": "ana"}
