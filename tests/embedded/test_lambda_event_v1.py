"""The payload 1.0 event and its response rules."""

import httpx

from pytest_apigw import Function, HttpApi, LambdaProxyIntegration


def test_v1_event_fields(apigw, echo_api):
    deployment = apigw.deploy(echo_api("/pets/{id}", version="1.0"))
    response = httpx.get(
        f"{deployment.url}/pets/7?a=1&a=2", headers=[("X-Multi", "x"), ("X-Multi", "y")]
    )
    event = response.json()
    assert event["version"] == "1.0"
    assert event["resource"] == "/pets/{id}"
    assert event["path"] == "/pets/7"
    assert event["httpMethod"] == "GET"
    assert event["pathParameters"] == {"id": "7"}
    assert event["queryStringParameters"] == {"a": "2"}
    assert event["multiValueQueryStringParameters"] == {"a": ["1", "2"]}
    # 1.0 keeps header names as the client spelled them; the gateway's own are Title-Case.
    assert event["headers"]["X-Multi"] == "y"
    assert event["multiValueHeaders"]["X-Multi"] == ["x", "y"]
    assert event["headers"]["User-Agent"].startswith("python-httpx/")
    assert event["headers"]["X-Forwarded-For"] == "127.0.0.1"
    assert event["headers"]["Content-Length"] == "0"
    assert "x-multi" not in event["headers"]
    assert event["stageVariables"] is None
    assert event["body"] is None
    assert event["isBase64Encoded"] is False
    ctx = event["requestContext"]
    assert ctx["identity"]["sourceIp"] == "127.0.0.1"
    assert ctx["resourcePath"] == "/pets/{id}"
    assert ctx["stage"] == "$default"
    assert ctx["httpMethod"] == "GET"


def test_v1_empty_maps_are_null(apigw, echo_api):
    deployment = apigw.deploy(echo_api("/x", version="1.0"))
    event = httpx.get(f"{deployment.url}/x").json()
    assert event["queryStringParameters"] is None
    assert event["multiValueQueryStringParameters"] is None
    assert event["pathParameters"] is None


def _api(result, version):
    api = HttpApi("R")
    integration = LambdaProxyIntegration(
        handler=Function("Fn", handler=lambda e, c: result), payload_format_version=version
    )
    api.add_routes(path="/r", methods=["GET"], integration=integration)
    return api


def test_v1_requires_status_code(apigw):
    deployment = apigw.deploy(_api({"body": "no status"}, "1.0"))
    response = httpx.get(f"{deployment.url}/r")
    assert response.status_code == 500
    assert response.json() == {"message": "Internal Server Error"}


def test_v1_multi_value_headers(apigw):
    result = {"statusCode": 201, "multiValueHeaders": {"X-A": ["1", "2"]}, "headers": {"X-B": "3"},
              "body": "made"}
    deployment = apigw.deploy(_api(result, "1.0"))
    response = httpx.get(f"{deployment.url}/r")
    assert response.status_code == 201
    assert response.headers.get_list("x-a") == ["1", "2"]
    assert response.headers["x-b"] == "3"
    assert response.text == "made"
