"""Payload 2.0 response mapping and fault answers, as a client sees them."""

import base64
import time

import httpx
import pytest

from pytest_apigw import Function, HttpApi, LambdaProxyIntegration


def _deploy(apigw, handler, **function_kwargs):
    api = HttpApi("R")
    api.add_routes(
        path="/r", methods=["GET", "POST"],
        integration=LambdaProxyIntegration(handler=Function("Fn", handler=handler, **function_kwargs)),
    )
    return apigw.deploy(api)


@pytest.mark.parametrize(
    ("result", "body"),
    [
        ({"hello": "world"}, '{"hello": "world"}'),
        ("Hello from Lambda!", "Hello from Lambda!"),
        (42, "42"),
        ([1, 2], "[1, 2]"),
    ],
)
def test_json_without_status_code_is_a_200_json_response(apigw, result, body):
    response = httpx.get(f"{_deploy(apigw, lambda e, c: result).url}/r")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.text == body


def test_status_code_headers_and_cookies(apigw):
    result = {
        "statusCode": 418, "headers": {"x-tea": "pot", "content-type": "text/plain"},
        "cookies": ["a=1; Path=/", "b=2; HttpOnly"], "body": "short and stout",
    }
    response = httpx.get(f"{_deploy(apigw, lambda e, c: result).url}/r")
    assert response.status_code == 418
    assert response.headers["x-tea"] == "pot"
    assert response.headers.get_list("set-cookie") == ["a=1; Path=/", "b=2; HttpOnly"]
    assert response.text == "short and stout"
    assert response.headers["apigw-requestid"]
    assert response.headers["date"].endswith(" GMT")


def test_base64_response_body(apigw):
    payload = bytes(range(200))
    result = {"statusCode": 200, "isBase64Encoded": True, "body": base64.b64encode(payload).decode(),
              "headers": {"content-type": "image/png"}}
    response = httpx.get(f"{_deploy(apigw, lambda e, c: result).url}/r")
    assert response.content == payload


@pytest.mark.parametrize(
    "result",
    [
        {"statusCode": "abc"},
        {"statusCode": 200, "body": {"not": "a string"}},
        {"statusCode": 200, "isBase64Encoded": True, "body": "%%%"},
        {"statusCode": 200, "cookies": "a=1"},
        {1, 2},  # not JSON serialisable
    ],
)
def test_malformed_responses_are_500(apigw, result):
    response = httpx.get(f"{_deploy(apigw, lambda e, c: result).url}/r")
    assert response.status_code == 500
    assert response.json() == {"message": "Internal Server Error"}


def test_handler_exception_is_500(apigw):
    def boom(event, context):
        raise KeyError("missing")

    response = httpx.get(f"{_deploy(apigw, boom).url}/r")
    assert response.status_code == 500
    assert response.json() == {"message": "Internal Server Error"}


def test_function_timeout_is_500(apigw):
    def slow(event, context):
        time.sleep(0.6)
        return {"statusCode": 200}

    response = httpx.get(f"{_deploy(apigw, slow, timeout=0.2).url}/r", timeout=10)
    assert response.status_code == 500


def test_integration_timeout_is_503(apigw):
    def slow(event, context):
        time.sleep(0.6)
        return {"statusCode": 200}

    api = HttpApi("R")
    api.add_routes(path="/r", methods=["GET"], integration=LambdaProxyIntegration(
        handler=Function("Fn", handler=slow, timeout=5), timeout=0.2))
    response = httpx.get(f"{apigw.deploy(api).url}/r", timeout=10)
    assert response.status_code == 503
    assert response.json() == {"message": "Service Unavailable"}


def test_payload_over_10_mb_is_413(apigw):
    calls = []
    deployment = _deploy(apigw, lambda e, c: calls.append(1) or {"statusCode": 200})
    response = httpx.post(f"{deployment.url}/r", content=b"x" * (10 * 1024 * 1024 + 1), timeout=30)
    assert response.status_code == 413
    assert calls == []
    assert httpx.post(f"{deployment.url}/r", content=b"x" * 1024).status_code == 200
