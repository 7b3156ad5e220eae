"""A SAM template (through AWS's own transform, with local ``CodeUri`` folders) and an OpenAPI
document with API Gateway's extensions, each served over real sockets."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from pytest_apigw import HttpLambdaAuthorizer, load_template
from tests.embedded.upstream_servers import running_upstreams
from tests.support.oidc import AUDIENCE, issuer  # noqa: F401 - the fixture

DATA = Path(__file__).parent / "data"


@pytest.fixture
def upstreams():
    """Loopback upstream servers, stopped at teardown."""
    yield from running_upstreams()


def test_sam_http_api_events_with_local_code(apigw):
    template = load_template(DATA / "sam_app" / "template.yaml")
    assert set(template.functions) == {"HelloFunction", "ByeFunction"}
    deployment = apigw.deploy(template.api("ServerlessHttpApi"))
    hello = httpx.get(f"{deployment.url}/hello/ana")
    assert hello.status_code == 200
    assert hello.json() == {"message": "hello, ana", "function": "hello"}
    # same module name (app.lambda_handler) in another folder: no shadowing
    assert httpx.post(f"{deployment.url}/bye").json() == {"message": "bye", "function": "bye"}
    assert httpx.get(f"{deployment.url}/bye").status_code == 404


def test_sam_function_replaced_by_a_double(apigw):
    def double(event, context):
        return {"statusCode": 200, "body": "double"}

    template = load_template(DATA / "sam_app" / "template.yaml", handlers={"ByeFunction": double})
    deployment = apigw.deploy(template.api())
    assert httpx.post(f"{deployment.url}/bye").text == "double"
    assert httpx.get(f"{deployment.url}/hello/bo").json()["message"] == "hello, bo"


def test_a_double_named_by_module_and_function(apigw):
    template = load_template(DATA / "sam_app" / "template.yaml",
                             handlers={"ByeFunction": "tests.templates.doubles.bye"})
    assert template.function("ByeFunction").environment == {"GREETING": "bye"}   # the template's
    deployment = apigw.deploy(template.api())
    body = httpx.post(f"{deployment.url}/bye").json()
    assert body["double"] == "bye" and body["function"].endswith("ByeFunction")


def _reader_auth(event, context):
    return {"isAuthorized": event["headers"].get("x-reader") == "friend"}


def test_openapi_document_with_handlers_and_upstreams(apigw, upstreams):
    reviews = upstreams.echo("reviews")
    template = load_template(
        DATA / "books.openapi.yaml",
        handlers={
            "ListBooks": lambda event, context: {"statusCode": 200, "body": json.dumps(["Dune"])},
            "GetBook": lambda event, context: {"statusCode": 200, "body": event["pathParameters"]["id"]},
            "ReaderAuth": _reader_auth,
        },
        upstreams={"https://reviews.books.internal": reviews.url},
    )
    api = template.api("Books API")
    assert isinstance(api.routes["GET /books/{id}"].authorizer, HttpLambdaAuthorizer)
    deployment = apigw.deploy(api)
    assert httpx.get(f"{deployment.url}/books").json() == ["Dune"]
    assert httpx.get(f"{deployment.url}/books/7", headers={"x-reader": "friend"}).text == "7"
    assert httpx.get(f"{deployment.url}/books/7", headers={"x-reader": "stranger"}).status_code == 403
    assert httpx.get(f"{deployment.url}/books/7").status_code == 401
    seen = httpx.delete(f"{deployment.url}/reviews/7/3").json()
    assert (seen["server"], seen["method"], seen["path"]) == ("reviews", "DELETE", "/7/3")
    preflight = httpx.options(f"{deployment.url}/books", headers={
        "origin": "https://books.example.com", "access-control-request-method": "GET"})
    assert preflight.headers["access-control-allow-origin"] == "https://books.example.com"


def test_openapi_as_the_body_of_a_template_api(apigw):
    document = {
        "openapi": "3.0.1", "info": {"title": "inline", "version": "1"},
        "paths": {"/ping": {"get": {"x-amazon-apigateway-integration": {
            "type": "aws_proxy", "payloadFormatVersion": "2.0",
            "uri": {"Fn::Sub": "arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/"
                               "${Ping.Arn}/invocations"}}}}},
    }
    template = load_template({"Resources": {
        "Ping": {"Type": "AWS::Lambda::Function", "Properties": {
            "Runtime": "python3.12", "Handler": "index.handler",
            "Code": {"ZipFile": "def handler(e, c):\n    return 'pong'"}}},
        "Api": {"Type": "AWS::ApiGatewayV2::Api", "Properties": {"Body": document}},
        "Stage": {"Type": "AWS::ApiGatewayV2::Stage", "Properties": {
            "ApiId": {"Ref": "Api"}, "StageName": "$default", "AutoDeploy": True}},
        "Allow": {"Type": "AWS::Lambda::Permission", "Properties": {
            "Action": "lambda:InvokeFunction", "FunctionName": {"Fn::GetAtt": ["Ping", "Arn"]},
            "Principal": "apigateway.amazonaws.com",
            "SourceArn": {"Fn::Sub": "arn:aws:execute-api:${AWS::Region}:${AWS::AccountId}:"
                                     "${Api}/*/*/ping"}}},
    }})
    deployment = apigw.deploy(template)
    assert httpx.get(f"{deployment.url}/ping").text == "pong"


SAM_JWT = {
    "Transform": "AWS::Serverless-2016-10-31",
    "Parameters": {"Issuer": {"Type": "String"}},
    "Resources": {
        "Api": {"Type": "AWS::Serverless::HttpApi", "Properties": {
            "StageName": "v1",
            "Auth": {"DefaultAuthorizer": "Jwt", "Authorizers": {"Jwt": {
                "IdentitySource": "$request.header.Authorization",
                "JwtConfiguration": {"issuer": {"Ref": "Issuer"}, "audience": [AUDIENCE]}}}},
        }},
        "Me": {"Type": "AWS::Serverless::Function", "Properties": {
            "Runtime": "python3.12", "Handler": "index.handler",
            "InlineCode": "def handler(event, context):\n"
                          "    return event['requestContext']['authorizer']['jwt']['claims']['sub']",
            "Events": {"Get": {"Type": "HttpApi", "Properties": {
                "ApiId": {"Ref": "Api"}, "Path": "/me", "Method": "GET"}}}}},
    },
}


def test_sam_http_api_with_a_jwt_authorizer(apigw, issuer):  # noqa: F811 - the fixture
    template = load_template(SAM_JWT, parameters={"Issuer": issuer.url})
    deployment = apigw.deploy(template.api("Api"))
    assert deployment.url.endswith("/v1")
    assert httpx.get(f"{deployment.url}/me").status_code == 401
    response = httpx.get(f"{deployment.url}/me", headers={"authorization": f"Bearer {issuer.token()}"})
    assert response.status_code == 200
    assert response.text == "user-1"


SAM_COGNITO = {
    "Transform": "AWS::Serverless-2016-10-31",
    "Resources": {
        "UserPool": {"Type": "AWS::Cognito::UserPool", "Properties": {"UserPoolName": "users"}},
        "UserPoolClient": {"Type": "AWS::Cognito::UserPoolClient",
                           "Properties": {"UserPoolId": {"Ref": "UserPool"}}},
        "Api": {"Type": "AWS::Serverless::HttpApi", "Properties": {"Auth": {
            "DefaultAuthorizer": "Cognito",
            "Authorizers": {"Cognito": {
                "IdentitySource": "$request.header.Authorization",
                "JwtConfiguration": {
                    "issuer": {"Fn::Sub": "https://cognito-idp.${AWS::Region}.amazonaws.com/${UserPool}"},
                    "audience": [{"Ref": "UserPoolClient"}]}}}}}},
        "Fn": {"Type": "AWS::Serverless::Function", "Properties": {
            "Runtime": "python3.12", "Handler": "index.handler",
            "InlineCode": "def handler(event, context):\n"
                          "    return event['requestContext']['authorizer']['jwt']['claims']['sub']\n",
            "Events": {"Me": {"Type": "HttpApi", "Properties": {
                "ApiId": {"Ref": "Api"}, "Path": "/me", "Method": "GET"}}}}},
    },
}


def test_a_cognito_user_pools_tokens_from_the_tests_own_issuer(apigw, apigw_issuer):
    """A user pool's issuer (``https://cognito-idp.<region>.amazonaws.com/<pool id>``, the pool id
    a ``Ref`` as AWS shapes it) is served by the test's issuer through ``upstreams=``; tokens for
    the pool's client (its ``Ref``: the audience) pass the route's JWT authorizer; the
    issuer is the plugin's own ``apigw_issuer`` fixture."""
    cognito = "https://cognito-idp.us-east-1.amazonaws.com"  # every pool's issuer starts so
    template = load_template(SAM_COGNITO, upstreams={cognito: apigw_issuer.url})
    pool = template.ref("UserPool")
    assert pool.startswith("us-east-1_") and len(pool) == len("us-east-1_") + 9
    assert template.get_att("UserPool", "ProviderURL") == f"{cognito}/{pool}"
    client_id = template.ref("UserPoolClient")
    url = apigw.deploy(template.api("Api")).url
    assert httpx.get(f"{url}/me").status_code == 401
    wrong = apigw_issuer.token(audience="another-client")
    assert httpx.get(f"{url}/me", headers={"authorization": wrong}).status_code == 401
    response = httpx.get(f"{url}/me", headers={"authorization": apigw_issuer.token(audience=client_id)})
    assert (response.status_code, response.text) == (200, "user-1")
