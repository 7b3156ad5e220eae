"""Conformance: integration timeouts (``limits.md``; :mod:`.model.timeouts` cites the answers).

Generated integration timeouts on an HTTP proxy route (to the echo upstream, which waits as the
request's ``x-echo-delay`` asks) and on a Lambda route, beside a Lambda route whose function
times out first (1 s); generated requests are fast or clearly slower than the limit. The model
predicts 504 (upstream), 503 (the integration's timeout), 500 (the function's) or the answer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from hypothesis import example, given, note
from hypothesis import strategies as st

from pytest_apigw import capabilities
from pytest_apigw.contract.authorized import Judged, require_or_judge
from pytest_apigw.contract.check import check_response, observed_event
from pytest_apigw.contract.explicit import scripted
from pytest_apigw.contract.model.expect import Diff
from pytest_apigw.contract.model.timeouts import http_timeout, lambda_timeout
from pytest_apigw.contract.probes import CODE_DIR
from pytest_apigw.contract.profiles import contract_settings, per_deployment
from pytest_apigw.contract.report import route_table
from pytest_apigw.spec import Function, HttpApi, HttpMethod, HttpProxyIntegration, LambdaProxyIntegration
from pytest_apigw.strategies.timeouts import (
    FUNCTION_TIMEOUT,
    TimedRequest,
    TimeoutSetup,
    timed_requests,
    timeout_setups,
)
from pytest_apigw.strategies.wire import HttpRequest, api_root

if TYPE_CHECKING:
    from collections.abc import Callable

    from pytest_apigw.backend import Backend
    from pytest_apigw.contract.gaps import Gaps
    from pytest_apigw.contract.probes import EchoUpstream
    from pytest_apigw.session import Apigw

#: The slow handler's function timeout on the route whose integration times out first.
LONG_FUNCTION_TIMEOUT = 10.0
SLOW = "contract_timing.slow"


def timed_api(upstream: str, setup: TimeoutSetup) -> HttpApi:
    """The three routes of :data:`~pytest_apigw.strategies.timeouts.TIMED_ROUTES`."""
    api = HttpApi("Timeouts")
    patient = Function("ContractSlow", handler=SLOW, code=CODE_DIR, timeout=LONG_FUNCTION_TIMEOUT)
    hasty = Function("ContractSlowShort", handler=SLOW, code=CODE_DIR, timeout=FUNCTION_TIMEOUT)
    api.add_routes(path="/upstream", methods=[HttpMethod.GET],
                   integration=HttpProxyIntegration(url=f"{upstream}/upstream", timeout=setup.http))
    api.add_routes(path="/integration", methods=[HttpMethod.GET],
                   integration=LambdaProxyIntegration(handler=patient, timeout=setup.lambda_))
    api.add_routes(path="/function", methods=[HttpMethod.GET],
                   integration=LambdaProxyIntegration(handler=hasty))
    return api


#: The edge cases every run meets first (``limits.md``): an HTTP proxy slower than its
#: integration timeout answers 504, a Lambda integration slower than its own timeout 503 (then
#: fast requests, where a deployment serves more).
DOCUMENTED = scripted({
    "timeouts": TimeoutSetup(0.5, 0.5),
    "request": [TimedRequest("GET /upstream", 0.9), TimedRequest("GET /integration", 0.9),
                TimedRequest("GET /function", 0.0)],
})


@contract_settings(waits=True)
@given(data=st.data())
@example(data=DOCUMENTED)
def test_slow_integrations_time_out(
    apigw_session: Apigw, apigw_backend: Backend, require: Callable[[str], None], echo_upstream: EchoUpstream,
    gaps: Gaps, data: st.DataObject,
) -> None:
    require(capabilities.LAMBDA_PROXY)
    require(capabilities.HTTP_PROXY)
    require_or_judge(require, gaps, capabilities.INTEGRATION_TIMEOUTS)
    if apigw_backend.name == "aws":
        pytest.skip("the echo upstream listens on loopback, which AWS cannot reach")
    setup = data.draw(timeout_setups(), label="timeouts")
    api = timed_api(echo_upstream.url, setup)
    note(f"{route_table(api)}\n{setup}")
    with apigw_session.deployed(api) as deployment:
        for index in range(max(1, per_deployment() // 2)):
            timed = data.draw(timed_requests(setup), label=f"request {index}")
            path = timed.route_key.partition(" ")[2]
            delay = str(timed.delay)
            request = HttpRequest("GET", path, headers=(("x-delay", delay), ("x-echo-delay", delay)))
            if path == "/upstream":
                expected, why = http_timeout(setup.http, timed.delay)
            else:
                limit = setup.lambda_ if path == "/integration" else 30.0
                fn_timeout = LONG_FUNCTION_TIMEOUT if path == "/integration" else FUNCTION_TIMEOUT
                expected, why = lambda_timeout(limit, fn_timeout, timed.delay)
            response = request.send(api_root(deployment))
            if expected is not None:
                diffs = check_response(expected, response)
            else:
                diffs = [] if response.status == 200 else [Diff("status", 200, response.status)]
            diffs = gaps.unexplained(diffs, request=request, prediction=Judged(expected, why))
            note(f"{timed} -> {response.status}; model: {why}")
            assert not diffs, (f"timeouts: {why}\n{route_table(api)}\n{request.describe()}\n"
                               f"observed {response.status} {observed_event(response)!r}\n"
                               + "\n".join(f"  {d}" for d in diffs))
