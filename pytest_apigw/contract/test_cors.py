"""Conformance: CORS (``http-api-cors.md``): generated ``CorsPreflightOptions`` on generated route
tables of echo functions that answer with CORS headers of their own; generated preflights and
actual requests from allowed and other origins. A preflight no route catches is the gateway's
(204, the configured headers); one a route catches (``$default``, ``ANY``, ``OPTIONS``) reaches
the integration; every routed answer carries the configured headers, never the function's."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from hypothesis import given, note
from hypothesis import strategies as st

from pytest_apigw import capabilities
from pytest_apigw.contract.cases import echo_versions, send
from pytest_apigw.contract.check import check_echo
from pytest_apigw.contract.model import predict
from pytest_apigw.contract.model.cors import (
    CORS_HEADERS,
    LIST_HEADERS,
    PREFLIGHT_STATUS,
    answered_by_gateway,
    expected_headers,
    tokens,
)
from pytest_apigw.contract.model.expect import Diff, compare
from pytest_apigw.contract.probes import cors_echo_function
from pytest_apigw.contract.profiles import contract_settings, per_deployment
from pytest_apigw.contract.report import format_case, route_table
from pytest_apigw.spec import LambdaProxyIntegration
from pytest_apigw.strategies import http_apis, route_tables
from pytest_apigw.strategies.cors import cors_configurations, cors_requests
from pytest_apigw.strategies.wire import HttpResponse

if TYPE_CHECKING:
    from collections.abc import Callable

    from pytest_apigw.backend import Backend
    from pytest_apigw.session import Apigw

CORS_ECHO = cors_echo_function()
#: The values the probe's own CORS headers carry (``contract_probes.cors_echo``): never relayed.
PROBE_VALUES = {"https://evil.example", "x-evil", "EVIL", "4242"}


def _observed_cors(response: HttpResponse) -> dict[str, str]:
    out = {}
    for name in CORS_HEADERS:
        values = response.header_values(name)
        if values:
            joined = ",".join(values)
            out[name] = tokens(name, joined) if name in LIST_HEADERS else joined
    return out


def _expected_cors(expected: dict[str, Any]) -> dict[str, Any]:
    return {k: tokens(k, v) if k in LIST_HEADERS and isinstance(v, str) else v for k, v in expected.items()}


@contract_settings()
@given(data=st.data())
def test_cors_preflights_and_responses(
    apigw_session: Apigw, apigw_backend: Backend, require: Callable[[str], None], data: st.DataObject
) -> None:
    require(capabilities.CORS)
    require(capabilities.LAMBDA_PROXY)
    integrations = st.sampled_from(echo_versions(apigw_backend)).map(
        lambda v: LambdaProxyIntegration(handler=CORS_ECHO, payload_format_version=v))
    api = data.draw(http_apis(integrations=integrations, tables=route_tables()), label="api")
    api.cors_preflight = data.draw(cors_configurations(), label="cors")
    note(f"{route_table(api)}\n{api.cors_preflight}")
    with apigw_session.deployed(api) as deployment:
        for index in range(per_deployment()):
            request = data.draw(cors_requests(api), label=f"request {index}")
            response, host = send(request, deployment)
            prediction = predict(api, request, host=host, api_id=deployment.api_id)
            gateway = answered_by_gateway(api, request, request.path)
            routed = not gateway and prediction.response is None
            if gateway:
                diffs = [] if response.status == PREFLIGHT_STATUS else [
                    Diff("status", PREFLIGHT_STATUS, response.status)]
                observed = None
            else:
                diffs, observed = check_echo(prediction, response, request.method)
            cors = expected_headers(api.cors_preflight, request, gateway_preflight=gateway, routed=routed)
            seen = _observed_cors(response)
            diffs += compare({"cors": _expected_cors(cors)}, {"cors": seen})
            diffs += [Diff(f"cors.{k}", "not the function's own value", v) for k, v in seen.items()
                      if v in PROBE_VALUES]
            note(f"{request.method} {request.target} -> {response.status} {seen}")
            assert not diffs, format_case(api, request, prediction, response, diffs, observed)
