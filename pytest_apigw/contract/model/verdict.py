"""An authorizer's decision on one routed request, as the model predicts it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pytest_apigw.contract.model.lambda_response import ExpectedResponse


@dataclass(frozen=True)
class Verdict:
    """``response``: the gateway's refusal (401/403/500), or ``None`` (let through) with what
    ``requestContext.authorizer`` holds for a payload 2.0 and a 1.0 integration; ``rule`` says
    why (shown in reports; gap conditions read it as ``prediction.authorizer_rule``)."""

    response: ExpectedResponse | None
    rule: str
    authorizer_v2: Any = None
    authorizer_v1: Any = None
