"""What a deploy means, decided once in the spec layer for every backend."""

from __future__ import annotations

import re

import pytest

from pytest_apigw import (
    Function,
    HttpApi,
    HttpMethod,
    HttpStage,
    LambdaProxyIntegration,
    SpecError,
    WebSocketApi,
)
from pytest_apigw.spec.deploy import deploy_target


def _ok(event, context):
    return {"statusCode": 200}


def _api(**kwargs) -> HttpApi:
    api = HttpApi("Api", **kwargs)
    api.add_routes(path="/x", methods=[HttpMethod.GET],
                   integration=LambdaProxyIntegration(handler=Function("Fn", handler=_ok)))
    return api


def test_default_stage_first_then_the_first_stage() -> None:
    api = _api()
    HttpStage("Dev", http_api=api, stage_name="dev")
    assert deploy_target(api).stage_name == "$default"
    assert deploy_target(api, "dev").stage_name == "dev"
    named_only = _api(create_default_stage=False)
    HttpStage("Beta", http_api=named_only, stage_name="beta")
    HttpStage("Prod", http_api=named_only, stage_name="prod")
    assert deploy_target(named_only).stage_name == "beta"


@pytest.mark.parametrize(
    ("make", "stage", "message"),
    [
        (lambda: _api(create_default_stage=False), None, "no stage to deploy to: keep create_default"),
        (lambda: WebSocketApi("Ws"), None, "has no stage to deploy to: add a WebSocketStage"),
        (lambda: _api(), "prod", "has no stage 'prod' (stages: $default)"),
        (lambda: HttpApi("Empty"), None, "Unable to deploy API because no routes exist in this API"),
        (lambda: object(), None, "expected an HttpApi or WebSocketApi"),
    ],
)
def test_what_aws_rejects_is_a_spec_error(make, stage, message) -> None:
    with pytest.raises(SpecError, match=re.escape(message)):
        deploy_target(make(), stage)
