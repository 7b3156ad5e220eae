"""Declared gaps: differences a backend says it has (``capability_gaps``: capability → reason).

Each difference between model and backend is matched against the capabilities the backend
declares missing; a difference one of them explains is recorded instead of failing, every
other one fails as usual, and a case that met declared gaps ends as ``xfail`` naming them
(the conftest's ``pytest_runtest_makereport``). A backend that declares nothing (embedded,
AWS) gets every difference as a failure: the model and the cases are never weakened.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from pytest_apigw import capabilities as cap
from pytest_apigw.contract.model.expect import ABSENT, Diff
from pytest_apigw.contract.model.lambda_event import ADDED_HEADERS

if TYPE_CHECKING:
    from pytest_apigw.backend import Backend

GAPS_KEY = pytest.StashKey["Gaps"]()

_PATH_FIELDS = ("rawPath", "requestContext.http.path", "path", "requestContext.path")


def _repeated(names: list[str], name: str) -> bool:
    return sum(1 for n in names if n == name) > 1


def explain(diff: Diff, request: Any, prediction: Any, version: str | None) -> str | None:
    """The capability whose absence explains ``diff`` for this request, or ``None``."""
    where = diff.where
    field, _, key = where.partition(".")
    if version == "1.0":
        return cap.PAYLOAD_V1
    if request is not None and request.method == "OPTIONS":
        return cap.OPTIONS_ROUTED
    answered = prediction is not None and prediction.response is not None
    if answered and where in ("body", "headers.content-type"):
        return cap.GATEWAY_ERRORS
    if prediction is not None and prediction.stage not in (None, "$default") and where in _PATH_FIELDS:
        return cap.STAGE_PATH
    if where in ("cookies", "headers.cookie", "multiValueHeaders.cookie"):
        return cap.COOKIES
    if field in ("headers", "multiValueHeaders") and key in (*ADDED_HEADERS, "content-length"):
        return cap.EVENT_HEADERS
    if where in ("requestContext.domainName", "requestContext.domainPrefix"):
        return cap.EVENT_DOMAIN
    if where == "stageVariables":
        return cap.STAGE_VARIABLES
    if where == "pathParameters" and diff.expected is ABSENT and diff.observed is None:
        return cap.EVENT_EMPTY_PARTS
    if request is not None:
        headers = [k.lower() for k, _ in request.wire_headers()]
        keys = [k for k, _ in request.query]
        if field in ("headers", "multiValueHeaders") and _repeated(headers, key):
            return cap.REPEATED_VALUES
        if where == "requestContext.http.userAgent" and _repeated(headers, "user-agent"):
            return cap.REPEATED_VALUES
        if field == "queryStringParameters" and _repeated(keys, key):
            return cap.REPEATED_VALUES
        if where == "rawQueryString" and len(set(keys)) < len(keys):
            return cap.REPEATED_VALUES
    return None


class Gaps:
    """What one case met of its backend's declared gaps (kept across hypothesis examples)."""

    def __init__(self, backend: Backend) -> None:
        self.declared: dict[str, str] = dict(getattr(backend, "capability_gaps", {}) or {})
        self.met: dict[str, list[str]] = {}

    def unexplained(
        self, diffs: list[Diff], *, request: Any = None, prediction: Any = None, version: str | None = None,
        explained_by: str | None = None,
    ) -> list[Diff]:
        """The differences no declared gap explains; the others are recorded.

        ``explained_by`` names a capability that explains every difference of this check
        (e.g. the 2.0 bare-result rule for a result without ``statusCode``)."""
        if not self.declared:
            return diffs
        left = []
        for diff in diffs:
            found = explained_by or explain(diff, request, prediction, version)
            if found is not None and found in self.declared:
                self.met.setdefault(found, []).append(diff.where or "<root>")
            else:
                left.append(diff)
        return left

    def reason(self) -> str:
        """``xfail`` reason: each gap met, why, and which fields differed."""
        parts = []
        for name, fields in sorted(self.met.items()):
            shown = ", ".join(sorted(set(fields))[:6])
            parts.append(f"{name}: {self.declared[name]} (differed: {shown})")
        return "declared backend gaps: " + "; ".join(parts)
