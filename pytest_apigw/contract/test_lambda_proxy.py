"""Conformance: generated HTTP APIs of echo Lambda functions, requests aimed at and between
their routes; stage, route, path parameters and the whole event must match the model.

Each generated deployment serves several generated requests (``profiles.per_deployment()``:
more on backends where a deployment is slow)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from hypothesis import given, note
from hypothesis import strategies as st

from pytest_apigw import capabilities
from pytest_apigw.contract.cases import echo_integrations, echo_versions, send_and_check, stages_for
from pytest_apigw.contract.profiles import contract_settings, per_deployment
from pytest_apigw.contract.report import route_table
from pytest_apigw.strategies import http_apis, requests_for, route_tables

if TYPE_CHECKING:
    from collections.abc import Callable

    from pytest_apigw.backend import Backend
    from pytest_apigw.contract.gaps import Gaps
    from pytest_apigw.session import Apigw


@contract_settings()
@given(data=st.data())
def test_generated_api_routes_and_events(
    apigw_session: Apigw, apigw_backend: Backend, require: Callable[[str], None], gaps: Gaps,
    data: st.DataObject
) -> None:
    require(capabilities.LAMBDA_PROXY)
    integrations = echo_integrations(echo_versions(apigw_backend))
    api = data.draw(
        http_apis(integrations=integrations, tables=route_tables(), stages=stages_for(apigw_backend)),
        label="api",
    )
    note(route_table(api))
    with apigw_session.deployed(api) as deployment:
        for index in range(per_deployment()):
            request = data.draw(requests_for(api, awkward=True), label=f"request {index}")
            send_and_check(api, deployment, request, gaps)


@contract_settings()
@given(data=st.data())
def test_payload_v2_shapes_of_one_route(
    apigw_session: Apigw, apigw_backend: Backend, require: Callable[[str], None], gaps: Gaps,
    data: st.DataObject
) -> None:
    """One greedy route, many request shapes: headers, query, cookies, bodies (large ones too)."""
    require(capabilities.LAMBDA_PROXY)
    version = data.draw(st.sampled_from(echo_versions(apigw_backend)), label="payload version")
    api = data.draw(http_apis(integrations=echo_integrations((version,)),
                              tables=st.just(["ANY /{proxy+}", "$default"])), label="api")
    with apigw_session.deployed(api) as deployment:
        for index in range(per_deployment()):
            request = data.draw(requests_for(api, stage="$default", awkward=True), label=f"r{index}")
            send_and_check(api, deployment, request, gaps)
