"""Helpers for the embedded backend's tests: an echo handler and a one-route API factory."""

from __future__ import annotations

import json

import pytest

from pytest_apigw import Function, HttpApi, LambdaProxyIntegration


def echo(event, context):
    """Return the event as the body, so a test sees exactly what the handler got."""
    return {"statusCode": 200, "headers": {"content-type": "application/json"}, "body": json.dumps(event)}


@pytest.fixture
def echo_api():
    """``echo_api(path, methods=["GET"], version="2.0", **api_kwargs)`` → an HttpApi."""

    def make(path="/echo", methods=("GET",), version="2.0", **kwargs):
        api = HttpApi("EchoApi", **kwargs)
        integration = LambdaProxyIntegration(
            handler=Function("EchoFn", handler=echo), payload_format_version=version
        )
        api.add_routes(path=path, methods=list(methods), integration=integration)
        return api

    return make
