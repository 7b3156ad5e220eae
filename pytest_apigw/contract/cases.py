"""Shared pieces of the conformance tests: probe specs, integration strategies, what a
backend's capabilities allow the generated APIs to use, and the per-request check."""

from __future__ import annotations

from typing import Any

from hypothesis import note
from hypothesis import strategies as st
from hypothesis.control import currently_in_test_context

from pytest_apigw import capabilities
from pytest_apigw.contract.check import check_echo
from pytest_apigw.contract.model import predict
from pytest_apigw.contract.probes import echo_function
from pytest_apigw.contract.report import format_case
from pytest_apigw.spec import LambdaProxyIntegration
from pytest_apigw.strategies import HttpRequest, api_root, stage_layouts
from pytest_apigw.strategies.wire import HttpResponse

ECHO = echo_function()


def echo_integrations(versions: tuple[str, ...] = ("2.0", "1.0")) -> st.SearchStrategy[Any]:
    """Lambda proxy integrations of the echo probe, payload versions drawn from ``versions``."""
    return st.sampled_from(versions).map(
        lambda v: LambdaProxyIntegration(handler=ECHO, payload_format_version=v)
    )


def stages_for(backend: Any) -> st.SearchStrategy[list[tuple[str, dict[str, str]]]]:
    """Stage layouts the backend can serve (only ``$default`` without named stages)."""
    layouts = stage_layouts()
    if not backend.supports(capabilities.NAMED_STAGES):
        layouts = layouts.filter(lambda ss: [n for n, _ in ss] == ["$default"])
    if not backend.supports(capabilities.STAGE_VARIABLES):
        layouts = layouts.map(lambda ss: [(n, {}) for n, _ in ss])
    return layouts


def send_and_check(api: Any, deployment: Any, request: HttpRequest) -> HttpResponse:
    """Send ``request``, predict, compare; fail with spec, request, prediction and diffs."""
    root = api_root(deployment.url)
    response = request.send(root)
    prediction = predict(api, request, host=root.split("://", 1)[1], api_id=deployment.api_id)
    diffs, observed = check_echo(prediction, response, request.method)
    if currently_in_test_context():
        note(f"{request.method} {request.target} -> {response.status}; model: {prediction.describe()}")
    assert not diffs, "model and backend disagree\n" + format_case(
        api, request, prediction, response, diffs, observed
    )
    return response
