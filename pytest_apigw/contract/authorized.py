"""The per-request check of the authorizer cases: the model's routing and event prediction
(:func:`~pytest_apigw.contract.model.predict`), then the authorizer's verdict on the selected
route: the gateway's refusal (401/403/500) instead of the integration, or the event with the
``requestContext.authorizer`` it must carry. Differences a backend declares are matched per
field (:mod:`.gaps`), on the 2.0 reading too when it declares payload 1.0 as read as 2.0."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pytest_apigw import capabilities
from pytest_apigw.contract.check import check_echo
from pytest_apigw.contract.model import predict
from pytest_apigw.contract.model.expect import Diff
from pytest_apigw.contract.model.lambda_response import ExpectedResponse
from pytest_apigw.contract.model.predict import Prediction
from pytest_apigw.contract.model.verdict import Verdict

if TYPE_CHECKING:
    from pytest_apigw.contract.gaps import Gaps
    from pytest_apigw.spec import HttpApi
    from pytest_apigw.strategies.wire import HttpRequest, HttpResponse


#: ``decide(route_key) -> Verdict``; ``None`` for a route without an authorizer.
Decide = Callable[[str], "Verdict | None"]


def authorized(prediction: Prediction, decide: Decide, payload_version: str | None = None) -> Prediction:
    """``prediction`` with the authorizer's verdict applied to the selected route."""
    key = prediction.route_key
    verdict = decide(key) if key is not None and prediction.response is None else None
    if verdict is None:
        return prediction
    prediction.authorizer_rule = verdict.rule  # type: ignore[attr-defined]
    if verdict.response is not None:
        prediction.response = verdict.response
        prediction.inputs = {}
        return prediction
    for route_key, event in prediction.inputs.items():
        integration = prediction.integrations[route_key]
        version = payload_version or getattr(integration, "payload_format_version", "2.0")
        if isinstance(event, dict):
            shape = verdict.authorizer_v1 if version == "1.0" else verdict.authorizer_v2
            event["requestContext"]["authorizer"] = shape
    return prediction


def check_authorized(
    api: HttpApi, api_id: str | None, request: HttpRequest, response: HttpResponse, host: str,
    decide: Decide, gaps: Gaps | None,
) -> tuple[list[Diff], Prediction, Any]:
    """``(differences no declared gap explains, prediction, observed event)``."""
    prediction = authorized(predict(api, request, host=host, api_id=api_id), decide)
    diffs, observed = check_echo(prediction, response, request.method)
    if gaps is not None:
        versions = {getattr(i, "payload_format_version", None) for i in prediction.integrations.values()}
        if diffs and "1.0" in versions:
            as_v2 = authorized(predict(api, request, host=host, api_id=api_id, payload_version="2.0"),
                               decide, "2.0")
            diffs = gaps.reading(capabilities.PAYLOAD_V1, diffs,
                                 lambda: check_echo(as_v2, response, request.method)[0])
        diffs = gaps.unexplained(diffs, request=request, prediction=prediction)
    return diffs, prediction, observed


@dataclass
class Judged:
    """What gap conditions read of a prediction, for cases that compare answers only: the
    gateway's answer (``None``: the integration's) and the rule that decided it."""

    response: ExpectedResponse | None
    authorizer_rule: str
    stage: str = "$default"


def require_or_judge(require: Callable[[str], None], gaps: Gaps, capability: str) -> None:
    """``require(capability)``, unless the backend declares it a gap with fields: then the case
    runs and that gap excuses only its fields, under its condition (:mod:`.gaps`)."""
    from pytest_apigw.contract.gaps import FIELDS

    if not (capability in gaps.declared and (FIELDS.get(capability) or gaps.fields.get(capability))):
        require(capability)
