"""Shared pieces of the conformance tests: probe specs, integration strategies, what a
backend's capabilities allow the generated APIs to use, and the per-request check."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from hypothesis import note
from hypothesis import strategies as st
from hypothesis.control import currently_in_test_context

from pytest_apigw import capabilities
from pytest_apigw.contract.check import check_echo
from pytest_apigw.contract.gaps import Gaps
from pytest_apigw.contract.model import predict
from pytest_apigw.contract.probes import echo_function
from pytest_apigw.contract.report import format_case
from pytest_apigw.spec import Function, HttpApi, HttpStage, LambdaProxyIntegration
from pytest_apigw.strategies import HttpRequest, stage_layouts
from pytest_apigw.strategies.wire import HttpResponse, api_root

if TYPE_CHECKING:
    from pytest_apigw.backend import Backend, Deployment

ECHO = echo_function()


def echo_integrations(
    versions: tuple[str, ...] = ("2.0", "1.0"),
) -> st.SearchStrategy[LambdaProxyIntegration]:
    """Lambda proxy integrations of the echo probe, payload versions drawn from ``versions``."""
    return st.sampled_from(versions).map(
        lambda v: LambdaProxyIntegration(handler=ECHO, payload_format_version=v)
    )


def documented_echo_api(versions: tuple[str, ...], handler: Function = ECHO) -> HttpApi:
    """The API of explicit examples: ``GET /items/{id}`` to a payload 1.0 integration (the
    last of ``versions``, the ones the backend serves), ``POST /items`` to 2.0, on ``$default``."""
    api = HttpApi("Generated", create_default_stage=False)
    HttpStage("Stage0", http_api=api, stage_name="$default")
    for key, version in (("GET /items/{id}", versions[-1]), ("POST /items", "2.0")):
        method, _, path = key.partition(" ")
        integration = LambdaProxyIntegration(handler=handler, payload_format_version=version)
        api.add_routes(path=path, methods=[method], integration=integration)
    return api


def serves(backend: Backend, capability: str) -> bool:
    """True when ``backend`` serves ``capability``; a refinement (``capabilities.REFINES``) is
    served with its parent unless the backend's ``capability_gaps`` names it."""
    parent = capabilities.REFINES.get(capability)
    if parent is not None and capability not in backend.capabilities:
        gaps = getattr(backend, "capability_gaps", {})
        return capability not in gaps and backend.supports(parent)
    return bool(backend.supports(capability))


def stages_for(backend: Backend) -> st.SearchStrategy[list[tuple[str, dict[str, str]]]]:
    """Stage layouts the backend can serve (only ``$default`` without named stages)."""
    layouts = stage_layouts()
    if not serves(backend, capabilities.NAMED_STAGES):
        layouts = layouts.filter(lambda ss: [n for n, _ in ss] == ["$default"])
    if not serves(backend, capabilities.STAGE_VARIABLES):
        layouts = layouts.map(lambda ss: [(n, {}) for n, _ in ss])
    return layouts


def echo_versions(backend: Backend) -> tuple[str, ...]:
    """Payload format versions of echo integrations the backend can serve."""
    return ("2.0", "1.0") if serves(backend, capabilities.PAYLOAD_V1) else ("2.0",)


def send(request: HttpRequest, deployment: Deployment) -> tuple[HttpResponse, str]:
    """Send ``request`` to ``deployment``: ``(response, the Host the client sent)``."""
    root = api_root(deployment)
    return request.send(root), urlsplit(root).netloc


def send_and_check(
    api: HttpApi, deployment: Deployment, request: HttpRequest, gaps: Gaps | None = None
) -> HttpResponse:
    """Send ``request``, predict, compare; fail with spec, request, prediction and diffs
    (differences the backend declares as gaps are left to ``gaps``)."""
    response, host = send(request, deployment)
    prediction = predict(api, request, host=host, api_id=deployment.api_id)
    diffs, observed = _judged(api, deployment, request, response, host, prediction, gaps)
    for other in prediction.alternatives if diffs else ():
        # an ambiguous path (``%2F``, ``//``, trailing ``/``): any reading the docs leave open
        other_diffs, other_observed = _judged(api, deployment, request, response, host, other, gaps)
        if not other_diffs:
            prediction, diffs, observed = other, other_diffs, other_observed
            break
    if currently_in_test_context():
        note(f"{request.method} {request.target} -> {response.status}; model: {prediction.describe()}")
    assert not diffs, "model and backend disagree\n" + format_case(
        api, request, prediction, response, diffs, observed
    )
    return response


def _judged(api: Any, deployment: Any, request: HttpRequest, response: HttpResponse, host: str,
            prediction: Any, gaps: Gaps | None) -> tuple[list[Any], Any]:
    """The differences of ``response`` from ``prediction`` no declared gap explains."""
    diffs, observed = check_echo(prediction, response, request.method)
    if gaps is not None:
        versions = {getattr(i, "payload_format_version", None) for i in prediction.integrations.values()}
        if "1.0" in versions:
            # a backend that declares it sends 2.0 events to 1.0 integrations is judged on the
            # 2.0 reading: every field of that event still counts
            as_v2 = predict(api, request, host=host, api_id=deployment.api_id, payload_version="2.0")
            as_v2 = next((p for p in (as_v2, *as_v2.alternatives) if p.selection == prediction.selection
                          and p.response == prediction.response), as_v2)  # the same reading
            diffs = gaps.reading(capabilities.PAYLOAD_V1, diffs,
                                 lambda: check_echo(as_v2, response, request.method)[0])
        diffs = gaps.unexplained(diffs, request=request, prediction=prediction)
    return diffs, observed
