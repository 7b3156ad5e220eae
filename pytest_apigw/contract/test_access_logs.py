"""Conformance: access logs. Generated HTTP APIs of echo Lambda functions whose stages carry a
generated access-log format (JSON or CLF-like text); each generated request must write exactly
the line the model predicts (``model/access_log.py``): JSON lines field by field, text lines as
the whole rendered string; times and latencies by shape."""

from __future__ import annotations

from typing import TYPE_CHECKING

from hypothesis import example, given, note
from hypothesis import strategies as st

from pytest_apigw import capabilities
from pytest_apigw.access_log import check_format
from pytest_apigw.contract import explicit
from pytest_apigw.contract.cases import (
    documented_echo_api,
    echo_integrations,
    echo_versions,
    send,
    stages_for,
)
from pytest_apigw.contract.explicit import Recipe, scripted
from pytest_apigw.contract.model import predict
from pytest_apigw.contract.model.access_log import check_json_line, check_text_line, expected_values
from pytest_apigw.contract.profiles import contract_settings, per_deployment
from pytest_apigw.contract.report import route_table
from pytest_apigw.strategies import http_apis, requests_for, route_tables
from pytest_apigw.strategies.access_logs import CONSOLE_SAMPLES, access_log_formats
from pytest_apigw.strategies.wire import HttpRequest

if TYPE_CHECKING:
    from collections.abc import Callable

    from pytest_apigw.backend import Backend
    from pytest_apigw.session import Apigw


def _documented(log_format: object) -> st.DataObject:
    """The console's sample ``log_format`` (``http-api-logging.md``) on a routed request (its
    ``routeKey`` is ``GET /items/{id}``) and on one no route matches (``-``)."""
    return scripted({
        "access log format": log_format,
        "api": Recipe(documented_echo_api, "GET /items/{id} on payload 1.0, POST /items on 2.0"),
        "request": [HttpRequest("GET", "/items/7"), HttpRequest("GET", "/nowhere")],
    })


@contract_settings()
@given(data=st.data())
@example(data=_documented(CONSOLE_SAMPLES[0]))
@example(data=_documented(CONSOLE_SAMPLES[1]))
def test_access_log_lines_follow_the_stage_format(
    apigw_session: Apigw, apigw_backend: Backend, require: Callable[[str], None], data: st.DataObject
) -> None:
    """Every request a stage serves writes the predicted line to ``deployment.access_log``;
    a request no stage serves writes none."""
    require(capabilities.LAMBDA_PROXY)
    require(capabilities.ACCESS_LOGS)
    log_format = data.draw(access_log_formats(), label="access log format")
    integrations = echo_integrations(echo_versions(apigw_backend))
    api = explicit.draw(
        data, http_apis(integrations=integrations, tables=route_tables(), stages=stages_for(apigw_backend)),
        "api", versions=echo_versions(apigw_backend),
    )
    for stage in api.stages:
        stage.access_log_format = check_format(stage.label, log_format.text)
    note(route_table(api))
    check_line = check_json_line if log_format.kind == "json" else check_text_line
    with apigw_session.deployed(api) as deployment:
        for index in range(per_deployment()):
            request = data.draw(requests_for(api), label=f"request {index}")
            before = len(deployment.access_log)
            response, host = send(request, deployment)
            lines = deployment.access_log[before:]
            prediction = predict(api, request, host=host, api_id=deployment.api_id)
            case = f"{request.method} {request.target} -> {response.status}; lines: {lines}"
            if prediction.stage is None:
                assert lines == [], f"no stage serves the request, yet a line was written: {case}"
                continue
            values = expected_values(
                prediction, request, request_id=response.header("apigw-requestid"), host=host,
                api_id=deployment.api_id,
                body_length=None if request.method == "HEAD" else len(response.body),
            )
            assert len(lines) == 1, f"one line per request expected: {case}"
            diffs = check_line(log_format.text, values, lines[0])
            assert not diffs, (
                f"model and backend disagree on the access log\n== format ==\n{log_format.text}\n"
                f"== request ==\n{case}\n== differences (model vs observed) ==\n"
                + "\n".join(str(d) for d in diffs)
            )
