"""Conformance: stage and route throttling (``http-api-throttling.md``).

Generated ``ThrottleSettings`` (small bursts, slow rates) on the ``$default`` stage and on some
routes of their own, then a quick run of generated requests over the routes. The model
(:mod:`.model.throttling`) bounds each route's token bucket and predicts which requests pass
(the event as usual), which are refused 429 ``{"message":"Too Many Requests"}`` without
reaching the integration, and where either is right.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from hypothesis import example, given, note
from hypothesis import strategies as st

from pytest_apigw import capabilities
from pytest_apigw.contract.authorized import check_authorized, require_or_judge
from pytest_apigw.contract.cases import ECHO, send
from pytest_apigw.contract.explicit import scripted
from pytest_apigw.contract.model.throttling import EITHER, THROTTLED, TOO_MANY_REQUESTS, ThrottleModel
from pytest_apigw.contract.model.verdict import Verdict
from pytest_apigw.contract.profiles import contract_settings, per_deployment
from pytest_apigw.contract.report import format_case, route_table
from pytest_apigw.spec import HttpApi, HttpStage, LambdaProxyIntegration, ThrottleSettings
from pytest_apigw.strategies.throttling import THROTTLED_ROUTES, Limits, ThrottleSetup, throttle_setups
from pytest_apigw.strategies.wire import HttpRequest

if TYPE_CHECKING:
    from collections.abc import Callable

    from pytest_apigw.backend import Backend
    from pytest_apigw.contract.gaps import Gaps
    from pytest_apigw.session import Apigw


def throttled_api(setup: ThrottleSetup) -> HttpApi:
    """:data:`THROTTLED_ROUTES` to the echo probe; the setup's limits on the ``$default`` stage."""
    api = HttpApi("Throttled", create_default_stage=False)
    echo = LambdaProxyIntegration(handler=ECHO)
    for key in THROTTLED_ROUTES:
        method, _, path = key.partition(" ")
        api.add_routes(path=path, methods=[method], integration=echo)
    stage = None if setup.stage is None else ThrottleSettings(rate_limit=setup.stage.rate,
                                                                burst_limit=setup.stage.burst)
    routes = {k: ThrottleSettings(rate_limit=v.rate, burst_limit=v.burst) for k, v in setup.routes.items()}
    HttpStage("Default", http_api=api, stage_name="$default", throttle=stage, route_throttles=routes)
    return api


#: The edge cases every run meets first (``http-api-throttling.md``): a route's own limits
#: override the stage's; a burst of 2 with no refill lets exactly 2 requests through, the 3rd
#: is refused 429; another route keeps the stage's limits.
DOCUMENTED = scripted({
    "limits": ThrottleSetup(Limits(2.0, 4), {"GET /a": Limits(0.0, 2)}),
    "requests": ["GET /a", "GET /a", "GET /a", "GET /b", "GET /b"],
})


@contract_settings()
@given(data=st.data())
@example(data=DOCUMENTED)
def test_throttling_refuses_past_the_token_bucket(
    apigw_session: Apigw, apigw_backend: Backend, require: Callable[[str], None], gaps: Gaps,
    data: st.DataObject,
) -> None:
    require(capabilities.LAMBDA_PROXY)
    require_or_judge(require, gaps, capabilities.THROTTLING)
    setup = data.draw(throttle_setups(), label="limits")
    api = throttled_api(setup)
    model = ThrottleModel(None if setup.stage is None else (setup.stage.rate, setup.stage.burst),
                          {k: (v.rate, v.burst) for k, v in setup.routes.items()})
    note(f"{route_table(api)}\n{setup}")
    keys = data.draw(st.lists(st.sampled_from(THROTTLED_ROUTES), min_size=2 * per_deployment(),
                              max_size=2 * per_deployment()), label="requests")
    with apigw_session.deployed(api) as deployment:
        for key in keys:
            method, _, path = key.partition(" ")
            request = HttpRequest(method, path)
            sent = time.monotonic()
            response, host = send(request, deployment)
            answered = time.monotonic()
            outcome, why = model.predict(key, sent, answered)
            refused = outcome == THROTTLED or (outcome == EITHER and response.status == 429)
            verdict = Verdict(TOO_MANY_REQUESTS, f"throttled: {why}") if refused else None

            def decide(key: str, verdict: Verdict | None = verdict) -> Verdict | None:
                return verdict

            diffs, prediction, observed = check_authorized(api, deployment.api_id, request, response, host,
                                                           decide, gaps)
            model.observe(key, sent, response.status == 429)
            note(f"{key} -> {response.status}; model: {outcome} ({why})")
            assert not diffs, f"throttling: {outcome} ({why})\n" + format_case(
                api, request, prediction, response, diffs, observed)
