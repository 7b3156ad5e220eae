"""Conformance: imported APIs (what teams ship) behave as the spec they were rendered from.

A generated HTTP API of echo Lambda functions (route tables, stages, stage variables, payload
1.0/2.0) is rendered as a CloudFormation template (:mod:`pytest_apigw.contract.rendering`: plain
``AWS::ApiGatewayV2::*`` resources, an OpenAPI ``Body`` with ``x-amazon-apigateway-integration``,
or SAM's ``AWS::Serverless::HttpApi`` / ``Function`` events), read back with ``load_template``
and deployed; every generated request is then judged on the model's prediction for the
*original* spec (round trip: importing must not change what the API does). A second case
does the same with a generated CORS configuration (``CorsConfiguration``,
``x-amazon-apigateway-cors``) and browser requests, judged by the CORS case's model.
"""

from __future__ import annotations

import importlib.util
from typing import TYPE_CHECKING

import pytest
from hypothesis import example, given, note
from hypothesis import strategies as st

from pytest_apigw import capabilities
from pytest_apigw.contract import explicit
from pytest_apigw.contract.cases import (
    documented_echo_api,
    echo_integrations,
    echo_versions,
    send,
    send_and_check,
    stages_for,
)
from pytest_apigw.contract.check import check_echo
from pytest_apigw.contract.explicit import Recipe, scripted
from pytest_apigw.contract.model import predict
from pytest_apigw.contract.model.cors import PREFLIGHT_STATUS, answered_by_gateway, expected_headers
from pytest_apigw.contract.model.expect import Diff, compare
from pytest_apigw.contract.profiles import contract_settings, per_deployment
from pytest_apigw.contract.rendering import API, RENDERERS
from pytest_apigw.contract.report import format_case, route_table
from pytest_apigw.contract.test_cors import CORS_ECHO, PROBE_VALUES, _expected_cors, _observed_cors
from pytest_apigw.spec import CorsPreflightOptions, LambdaProxyIntegration
from pytest_apigw.strategies import http_apis, requests_for, route_tables
from pytest_apigw.strategies.cors import cors_configurations, cors_requests
from pytest_apigw.strategies.wire import HttpRequest
from pytest_apigw.templates import load_template

if TYPE_CHECKING:
    from collections.abc import Callable

    from pytest_apigw.backend import Backend
    from pytest_apigw.contract.gaps import Gaps
    from pytest_apigw.session import Apigw


def _needs_translator(shape: str) -> None:
    if shape == "sam" and importlib.util.find_spec("samtranslator") is None:
        pytest.skip("SAM templates need aws-sam-translator: pip install 'pytest-apigw[templates]'")


#: The edge cases every run meets first: each payload version through the import, a path
#: parameter, a body.
DOCUMENTED = scripted({
    "api": Recipe(documented_echo_api, "GET /items/{id} on payload 1.0, POST /items on 2.0"),
    "request": [HttpRequest("GET", "/items/7"),
                HttpRequest("POST", "/items", content_type="application/json", body=b'{"n": 1}')],
})
#: A preflight, an allowed origin and a refused one, on the same API.
DOCUMENTED_CORS = scripted({
    "api": Recipe(lambda versions: documented_echo_api(versions, CORS_ECHO),
                  "GET /items/{id} on payload 1.0, POST /items on 2.0 (CORS echo)"),
    "cors": CorsPreflightOptions(allow_origins=["https://app.example"], allow_methods=["GET", "POST"],
                                 allow_headers=["content-type"], expose_headers=["x-request-id"],
                                 allow_credentials=True, max_age=300),
    "request": [HttpRequest("OPTIONS", "/items", headers=(("Origin", "https://app.example"),
                                                         ("Access-Control-Request-Method", "POST"))),
                HttpRequest("GET", "/items/7", headers=(("Origin", "https://app.example"),)),
                HttpRequest("GET", "/items/8", headers=(("Origin", "http://evil.example"),))],
})


@pytest.mark.parametrize("shape", list(RENDERERS))
@contract_settings()
@given(data=st.data())
@example(data=DOCUMENTED)
def test_an_imported_template_serves_what_its_spec_predicts(
    apigw_session: Apigw, apigw_backend: Backend, require: Callable[[str], None], gaps: Gaps,
    shape: str, data: st.DataObject
) -> None:
    """Render, ``load_template``, deploy: each request gets what the original spec predicts."""
    require(capabilities.LAMBDA_PROXY)
    _needs_translator(shape)
    integrations = echo_integrations(echo_versions(apigw_backend))
    api = explicit.draw(
        data, http_apis(integrations=integrations, tables=route_tables(), stages=stages_for(apigw_backend)),
        "api", versions=echo_versions(apigw_backend),
    )
    template = RENDERERS[shape](api)
    imported = load_template(template).api(API)
    note(f"spec as generated:\n{route_table(api)}\nas imported from {shape}:\n{route_table(imported)}")
    with apigw_session.deployed(imported) as deployment:
        for index in range(per_deployment()):
            request = data.draw(requests_for(api), label=f"request {index}")
            send_and_check(api, deployment, request, gaps)


@pytest.mark.parametrize("shape", list(RENDERERS))
@contract_settings()
@given(data=st.data())
@example(data=DOCUMENTED_CORS)
def test_an_imported_cors_configuration_answers_as_configured(
    apigw_session: Apigw, apigw_backend: Backend, require: Callable[[str], None], shape: str,
    data: st.DataObject
) -> None:
    """A generated CORS configuration in the template: preflights and actual requests get what
    the CORS model predicts for the original spec (gateway-answered preflights, the configured
    ``access-control-*`` headers, never the function's own)."""
    require(capabilities.CORS)
    require(capabilities.LAMBDA_PROXY)
    _needs_translator(shape)
    integrations = st.sampled_from(echo_versions(apigw_backend)).map(
        lambda v: LambdaProxyIntegration(handler=CORS_ECHO, payload_format_version=v))
    api = explicit.draw(data, http_apis(integrations=integrations, tables=route_tables()), "api",
                        versions=echo_versions(apigw_backend))
    api.cors_preflight = data.draw(cors_configurations(), label="cors")
    imported = load_template(RENDERERS[shape](api)).api(API)
    note(f"{route_table(api)}\n{api.cors_preflight}\nas imported from {shape}: "
         f"{getattr(imported, 'cors_preflight', None)}")
    with apigw_session.deployed(imported) as deployment:
        for index in range(per_deployment()):
            request = data.draw(cors_requests(api), label=f"request {index}")
            response, host = send(request, deployment)
            prediction = predict(api, request, host=host, api_id=deployment.api_id)
            gateway = answered_by_gateway(api, request, request.path)
            if gateway:
                diffs = [] if response.status == PREFLIGHT_STATUS else [
                    Diff("status", PREFLIGHT_STATUS, response.status)]
                observed = None
            else:
                diffs, observed = check_echo(prediction, response, request.method)
            cors = expected_headers(api.cors_preflight, request, gateway_preflight=gateway,
                                    routed=not gateway and prediction.response is None)
            seen = _observed_cors(response)
            diffs += compare({"cors": _expected_cors(cors)}, {"cors": seen})
            diffs += [Diff(f"cors.{k}", "not the function's own value", v) for k, v in seen.items()
                      if v in PROBE_VALUES]
            note(f"{request.method} {request.target} -> {response.status} {seen}")
            assert not diffs, format_case(api, request, prediction, response, diffs, observed)
