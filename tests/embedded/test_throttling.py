"""Stage and route throttling (``http-api-throttling.md``) over real sockets: a token bucket per
route, 429 ``{"message":"Too Many Requests"}`` when it is empty, refilled at the rate limit."""

from __future__ import annotations

import time

import httpx
import pytest

from pytest_apigw import (
    Function,
    HttpApi,
    HttpMethod,
    HttpStage,
    LambdaProxyIntegration,
    SpecError,
    ThrottleSettings,
)
from pytest_apigw.invocations import LOG

CALLS: list[str] = []


def _count(event, context):
    CALLS.append(event["routeKey"])
    return {"statusCode": 200, "body": event["routeKey"]}


def _api(**stage_kwargs) -> HttpApi:
    api = HttpApi("Throttled", create_default_stage=False)
    integration = LambdaProxyIntegration(handler=Function("Count", handler=_count))
    api.add_routes(path="/slow", methods=[HttpMethod.GET], integration=integration)
    api.add_routes(path="/own", methods=[HttpMethod.GET], integration=integration)
    HttpStage("Prod", http_api=api, stage_name="prod", **stage_kwargs)
    return api


def test_the_stage_limit_answers_429_and_the_function_is_not_invoked(apigw):
    url = apigw.deploy(_api(throttle=ThrottleSettings(rate_limit=0.01, burst_limit=2))).url
    CALLS.clear()
    with httpx.Client() as client:
        statuses = [client.get(f"{url}/slow").status_code for _ in range(4)]
        assert statuses == [200, 200, 429, 429]
        refused = client.get(f"{url}/slow")
    assert refused.json() == {"message": "Too Many Requests"}
    assert CALLS == ["GET /slow", "GET /slow"]  # throttled requests never reach the function
    assert "throttled" in (LOG.since(0)[-1].error or "")


def test_each_route_has_its_own_bucket_and_route_settings_win(apigw):
    url = apigw.deploy(_api(
        throttle=ThrottleSettings(rate_limit=0.01, burst_limit=1),
        route_throttles={"GET /own": ThrottleSettings(rate_limit=0.01, burst_limit=3)},
    )).url
    with httpx.Client() as client:
        assert [client.get(f"{url}/slow").status_code for _ in range(2)] == [200, 429]
        assert [client.get(f"{url}/own").status_code for _ in range(4)] == [200, 200, 200, 429]


def test_the_bucket_refills_at_the_rate_limit(apigw):
    url = apigw.deploy(_api(throttle=ThrottleSettings(rate_limit=50, burst_limit=1))).url
    with httpx.Client() as client:
        assert client.get(f"{url}/slow").status_code == 200
        deadline = time.monotonic() + 5
        while client.get(f"{url}/slow").status_code == 429:  # bounded: 50 tokens/s refill
            assert time.monotonic() < deadline
            time.sleep(0.01)


def test_a_zero_burst_refuses_everything_and_the_default_stage_takes_settings(apigw):
    api = HttpApi("Closed", default_integration=LambdaProxyIntegration(handler=Function("C", handler=_count)))
    api.default_stage.throttle = ThrottleSettings(rate_limit=100, burst_limit=0)
    assert httpx.get(apigw.deploy(api).url + "/x").status_code == 429


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({"rate_limit": -1}, "rate_limit must be a number >= 0"),
     ({"burst_limit": 1.5}, "burst_limit must be an int >= 0"),
     ({"burst_limit": True}, "burst_limit must be an int >= 0")],
)
def test_invalid_settings_are_spec_errors(kwargs, message):
    with pytest.raises(SpecError, match=message):
        ThrottleSettings(**kwargs)
