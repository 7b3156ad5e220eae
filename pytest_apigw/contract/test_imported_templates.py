"""Conformance: imported APIs (what teams ship) behave as the spec they were rendered from.

A generated HTTP API of echo Lambda functions (route tables, stages, stage variables, payload
1.0/2.0) is rendered as a CloudFormation template (:mod:`pytest_apigw.contract.rendering`: plain
``AWS::ApiGatewayV2::*`` resources, an OpenAPI ``Body`` with ``x-amazon-apigateway-integration``,
or SAM's ``AWS::Serverless::HttpApi`` / ``Function`` events), read back with ``load_template``
and deployed; every generated request is then judged on the model's prediction for the
*original* spec (round trip: importing must not change what the API does).
"""

from __future__ import annotations

import importlib.util
from typing import TYPE_CHECKING

import pytest
from hypothesis import given, note
from hypothesis import strategies as st

from pytest_apigw import capabilities
from pytest_apigw.contract.cases import echo_integrations, echo_versions, send_and_check, stages_for
from pytest_apigw.contract.profiles import contract_settings, per_deployment
from pytest_apigw.contract.rendering import API, RENDERERS
from pytest_apigw.contract.report import route_table
from pytest_apigw.strategies import http_apis, requests_for, route_tables
from pytest_apigw.templates import load_template

if TYPE_CHECKING:
    from collections.abc import Callable

    from pytest_apigw.backend import Backend
    from pytest_apigw.contract.gaps import Gaps
    from pytest_apigw.session import Apigw


@pytest.mark.parametrize("shape", list(RENDERERS))
@contract_settings()
@given(data=st.data())
def test_an_imported_template_serves_what_its_spec_predicts(
    apigw_session: Apigw, apigw_backend: Backend, require: Callable[[str], None], gaps: Gaps,
    shape: str, data: st.DataObject
) -> None:
    """Render, ``load_template``, deploy: each request gets what the original spec predicts."""
    require(capabilities.LAMBDA_PROXY)
    if shape == "sam" and importlib.util.find_spec("samtranslator") is None:
        pytest.skip("SAM templates need aws-sam-translator: pip install 'pytest-apigw[templates]'")
    integrations = echo_integrations(echo_versions(apigw_backend))
    api = data.draw(
        http_apis(integrations=integrations, tables=route_tables(), stages=stages_for(apigw_backend)),
        label="api",
    )
    template = RENDERERS[shape](api)
    imported = load_template(template).api(API)
    note(f"spec as generated:\n{route_table(api)}\nas imported from {shape}:\n{route_table(imported)}")
    with apigw_session.deployed(imported) as deployment:
        for index in range(per_deployment()):
            request = data.draw(requests_for(api), label=f"request {index}")
            send_and_check(api, deployment, request, gaps)
