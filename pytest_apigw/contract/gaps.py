"""Declared gaps: differences a backend says it has (``capability_gaps``: capability → reason),
each matched **per field**.

A gap excuses only the fields it names (:data:`FIELDS`, or the backend's own ``gap_fields``:
capability → ``fnmatch`` patterns of difference paths such as ``"stageVariables"`` or
``"headers.x-forwarded-*"``), and only under its condition (e.g. the ``http.event.repeated_values``
gap excuses ``headers.x-a`` only when the request repeated ``x-a``). Every other difference of
the same case still fails: a MiniStack gap about ``stageVariables`` excuses that key, never the
whole event, so a provisioning bug elsewhere in the same event is caught.

A gap that is "another documented reading" (MiniStack reads 1.0 integrations as 2.0) is judged
by :meth:`Gaps.reading`: the observation is compared with the other reading's prediction, and
only that comparison's differences (minus other gaps, per field) count.

A difference a declared gap explains is recorded instead of failing; a case that met declared
gaps ends as ``xfail`` naming them and the fields that differed (the conftest's
``pytest_runtest_makereport``). A backend that declares nothing (embedded, AWS) gets every
difference as a failure: the model and the cases are never weakened. A gap whose capability
names no field here nor in ``gap_fields`` excuses nothing: its cases skip (``require``).
"""

from __future__ import annotations

from collections.abc import Callable
from fnmatch import fnmatchcase
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

import pytest

from pytest_apigw import capabilities as cap
from pytest_apigw.contract.model.expect import ABSENT, Diff
from pytest_apigw.contract.model.jwt_authorizer import NO_EXP
from pytest_apigw.contract.model.lambda_authorizer import MISSING_UNCACHED
from pytest_apigw.contract.model.lambda_event import ADDED_HEADERS
from pytest_apigw.contract.model.limits import OVER
from pytest_apigw.contract.model.timeouts import TIMED_OUT

if TYPE_CHECKING:
    from pytest_apigw.backend import Backend

GAPS_KEY = pytest.StashKey["Gaps"]()

_PATH_FIELDS = ("rawPath", "requestContext.http.path", "path", "requestContext.path")
_HEADER_FIELDS = ("headers", "multiValueHeaders")
_ANSWER_FIELDS = ("status", "body", "headers.content-type")

#: The fields each built-in gap may excuse (``fnmatch`` patterns of a difference's path).
FIELDS: dict[str, tuple[str, ...]] = {
    cap.STAGE_PATH: _PATH_FIELDS,
    cap.COOKIES: ("cookies", "headers.cookie", "multiValueHeaders.cookie"),
    cap.EVENT_HEADERS: tuple(f"{f}.{h}" for f in _HEADER_FIELDS for h in (*ADDED_HEADERS, "content-length")),
    cap.EVENT_DOMAIN: ("requestContext.domainName", "requestContext.domainPrefix"),
    cap.STAGE_VARIABLES: ("stageVariables",),
    cap.EVENT_EMPTY_PARTS: ("pathParameters",),
    cap.GATEWAY_ERRORS: ("body", "headers.content-type"),
    cap.OPTIONS_ROUTED: _ANSWER_FIELDS,
    cap.BARE_RESULTS: ("body", "headers.content-type"),
    cap.REPEATED_VALUES: ("headers.*", "multiValueHeaders.*", "queryStringParameters.*", "rawQueryString",
                          "requestContext.http.userAgent"),
    # another reading, judged by Gaps.reading: only the payload version itself is excused
    cap.PAYLOAD_V1: ("version",),
    cap.PATH_PARAMETERS_DECODED: ("pathParameters.*",),
    cap.EMPTY_SEGMENTS: (*_PATH_FIELDS, "pathParameters", "pathParameters.*", "routeKey",
                         "requestContext.routeKey", "resource", "requestContext.resourcePath",
                         *_ANSWER_FIELDS),
    # the authorizer and throttling cases (``test_jwt_authorizers.py``, ``test_lambda_authorizers.py``,
    # ``test_throttling.py``): what the integration sees of a token, and the answers their rules give
    cap.AUTHORIZER_JWT_DETAILS: (*(f"requestContext.authorizer.{jwt}{part}" for jwt in ("jwt.", "")
                                   for part in ("claims.*", "scopes*")), "headers.www-authenticate",
                                 *_ANSWER_FIELDS),
    cap.AUTHORIZER_IDENTITY_CHECK: _ANSWER_FIELDS,
    # what the probe authorizer read from its event (``contract_authorizers.authorize``'s context)
    cap.AUTHORIZER_EVENT_V1: tuple(f"requestContext.authorizer.{lam}{name}" for lam in ("lambda.", "")
                                   for name in ("version", "identity")),
    cap.THROTTLING: _ANSWER_FIELDS,
    cap.REQUEST_LIMITS: _ANSWER_FIELDS,
    cap.INTEGRATION_TIMEOUTS: _ANSWER_FIELDS,
    # ``test_websocket_limits.py``: what the client and the route saw of one message
    cap.WEBSOCKET_LIMITS: ("close", "routed", "size"),
}
#: Which of several matching routes is selected: the route and what it binds, nothing else.
FIELDS[cap.ROUTE_PRECEDENCE] = ("routeKey", "requestContext.routeKey", "pathParameters", "pathParameters.*",
                                "resource", "requestContext.resourcePath")


def _rule(prediction: Any) -> str:
    """The authorizer or throttling rule the model applied to a request (``""``: none)."""
    return str(getattr(prediction, "authorizer_rule", ""))


def _repeated(names: list[str], name: str) -> bool:
    return sum(1 for n in names if n == name) > 1


def _repeated_value(diff: Diff, request: Any) -> bool:
    if request is None:
        return False
    field, _, key = diff.where.partition(".")
    headers = [k.lower() for k, _ in request.wire_headers()]
    keys = [k for k, _ in request.query]
    if field in _HEADER_FIELDS:
        return _repeated(headers, key)
    if diff.where == "requestContext.http.userAgent":
        return _repeated(headers, "user-agent")
    if field == "queryStringParameters":
        return _repeated(keys, key)
    return diff.where == "rawQueryString" and len(set(keys)) < len(keys)


#: The condition under which each built-in gap applies to a difference in one of its fields
#: (``(diff, request, prediction) -> bool``); a gap without one applies to its fields always.
CONDITIONS: dict[str, Callable[[Diff, Any, Any], bool]] = {
    cap.OPTIONS_ROUTED: lambda d, r, p: r is not None and r.method == "OPTIONS",
    cap.GATEWAY_ERRORS: lambda d, r, p: p is not None and p.response is not None,
    # a named stage's segment, or a first segment that spells "$default" (a stage name elsewhere)
    cap.STAGE_PATH: lambda d, r, p: p is not None and (
        p.stage not in (None, "$default") or (r is not None and unquote(r.path).startswith("/$default"))),
    cap.EVENT_EMPTY_PARTS: lambda d, r, p: d.expected is ABSENT and d.observed is None,
    cap.REPEATED_VALUES: lambda d, r, p: _repeated_value(d, r),
    cap.EMPTY_SEGMENTS: lambda d, r, p: r is not None and ("//" in unquote(r.path) or r.path.endswith("/")),
    cap.PATH_PARAMETERS_DECODED: lambda d, r, p: r is not None and "%25" in r.path,
    # answers only where the model's rule is the one the gap is about (``prediction.authorizer_rule``)
    cap.AUTHORIZER_JWT_DETAILS: lambda d, r, p: d.where.startswith(("requestContext.", "headers.www-"))
    or _rule(p) == NO_EXP,
    cap.AUTHORIZER_IDENTITY_CHECK: lambda d, r, p: _rule(p).startswith(MISSING_UNCACHED),
    cap.THROTTLING: lambda d, r, p: _rule(p).startswith("throttled"),
    cap.REQUEST_LIMITS: lambda d, r, p: _rule(p).startswith(OVER),
    cap.INTEGRATION_TIMEOUTS: lambda d, r, p: _rule(p).startswith(TIMED_OUT),
    # only for a message past a limit (the model's close code): within the limits nothing is excused
    cap.WEBSOCKET_LIMITS: lambda d, r, p: getattr(p, "close", None) is not None,
}
# only when more than one route matched the request (a lone match has nothing to rank)
CONDITIONS[cap.ROUTE_PRECEDENCE] = lambda d, r, p: (
    p is not None and p.selection is not None and len(p.selection.matching) > 1)


def explains(capability: str, diff: Diff, request: Any = None, prediction: Any = None,
             fields: dict[str, Any] | None = None) -> bool:
    """True when the gap ``capability`` explains ``diff``: the difference is in one of the
    gap's fields (:data:`FIELDS`, or ``fields`` from the backend's ``gap_fields``) and the
    gap's condition holds for this request."""
    patterns = tuple((fields or {}).get(capability, ())) or FIELDS.get(capability, ())
    where = diff.where or "<root>"
    if not any(fnmatchcase(where, pattern) for pattern in patterns):
        return False
    condition = CONDITIONS.get(capability)
    return condition is None or condition(diff, request, prediction)


def parse_known_gaps(lines: list[str]) -> tuple[dict[str, str], dict[str, tuple[str, ...]]]:
    """The ini option ``apigw_known_gaps``: one gap a line, ``capability: reason`` or
    ``capability [field, field]: reason`` (``fnmatch`` patterns of difference paths such as
    ``stageVariables`` or ``headers.x-forwarded-*``); ``(gaps, fields)``. A line that names no
    known capability, or has no reason, is a :class:`pytest.UsageError` saying so."""
    gaps: dict[str, str] = {}
    fields: dict[str, tuple[str, ...]] = {}
    for raw in lines:
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        head, sep, reason = line.partition(":")
        name, _, patterns = head.partition("[")
        name = name.strip()
        if not sep or not reason.strip() or name not in cap.ALL:
            raise pytest.UsageError(
                f"apigw_known_gaps: {line!r} must be 'capability: reason' or 'capability [field, "
                f"...]: reason' with a known capability (pytest_apigw.capabilities), e.g. "
                f"'{cap.STAGE_VARIABLES} [stageVariables]: our LocalStack drops them'"
            )
        gaps[name] = reason.strip()
        if patterns:
            fields[name] = tuple(p.strip() for p in patterns.rstrip().rstrip("]").split(",") if p.strip())
    return gaps, fields


class Gaps:
    """What one case met of its backend's declared gaps (kept across hypothesis examples): the
    backend's own (``capability_gaps``, ``gap_fields``) and the user's (``apigw_known_gaps``)."""

    def __init__(self, backend: Backend, user: tuple[dict[str, str], dict[str, tuple[str, ...]]] | None = None
                 ) -> None:
        user_gaps, user_fields = user or ({}, {})
        self.declared: dict[str, str] = {**(getattr(backend, "capability_gaps", {}) or {}), **user_gaps}
        self.fields: dict[str, Any] = {**(getattr(backend, "gap_fields", {}) or {}), **user_fields}
        self.met: dict[str, list[str]] = {}

    def explain(self, diff: Diff, request: Any = None, prediction: Any = None,
                only: str | None = None) -> str | None:
        """The declared gap explaining ``diff`` (``only``: that gap or none), or ``None``."""
        candidates = [only] if only is not None else sorted(self.declared)
        for name in candidates:
            if name in self.declared and explains(name, diff, request, prediction, self.fields):
                return name
        return None

    def unexplained(
        self, diffs: list[Diff], *, request: Any = None, prediction: Any = None, version: str | None = None,
        explained_by: str | None = None,
    ) -> list[Diff]:
        """The differences no declared gap explains (per field); the others are recorded.

        ``explained_by`` narrows the gaps to that one (e.g. the 2.0 bare-result rule for a
        result without ``statusCode``): it still excuses only its own fields. ``version`` is
        accepted for callers written before gaps were matched per field; it changes nothing.
        """
        del version
        if not self.declared:
            return diffs
        left = []
        for diff in diffs:
            found = self.explain(diff, request, prediction, only=explained_by)
            if found is not None:
                self.met.setdefault(found, []).append(diff.where or "<root>")
            else:
                left.append(diff)
        return left

    def reading(self, capability: str, diffs: list[Diff], other: Callable[[], list[Diff]]) -> list[Diff]:
        """``diffs`` against the documented reading, or, when the backend declares the gap
        ``capability`` ("reads it another way") and the other reading's differences ``other()``
        are fewer, those: the gap is recorded as met on the fields it names, and every other
        difference of the other reading still counts."""
        if not diffs or capability not in self.declared:
            return diffs
        alternative = other()
        if len(alternative) >= len(diffs):
            return diffs
        self.met.setdefault(capability, []).extend(FIELDS.get(capability, ("<reading>",)))
        return alternative

    def reason(self) -> str:
        """``xfail`` reason: each gap met, why, and which fields differed."""
        parts = []
        for name, fields in sorted(self.met.items()):
            shown = ", ".join(sorted(set(fields))[:6])
            parts.append(f"{name}: {self.declared[name]} (differed: {shown})")
        return "declared backend gaps: " + "; ".join(parts)
