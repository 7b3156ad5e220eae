"""Lambda authorizer answers: simple ``{"isAuthorized": bool}`` or an IAM policy evaluated
against the route ARN (an explicit Deny wins, then any Allow, otherwise denied)."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any


class InvalidResponse(ValueError):
    """The authorizer's answer has neither accepted shape (the client gets 500)."""


@lru_cache(maxsize=1024)
def _glob(pattern: str) -> re.Pattern[str]:
    """IAM wildcards: ``*`` any run of characters, ``?`` one character."""
    return re.compile("".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern),
                      re.DOTALL)


def _strings(value: Any, what: str) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return value
    raise InvalidResponse(f"policy statement {what} must be a string or a list of strings, got {value!r}")


def evaluate_policy(document: Any, route_arn: str) -> bool:
    """True when ``document`` allows ``execute-api:Invoke`` on ``route_arn``."""
    if not isinstance(document, dict):
        raise InvalidResponse(f"policyDocument must be an object, got {document!r}")
    statements = document.get("Statement")
    if isinstance(statements, dict):
        statements = [statements]
    if not isinstance(statements, list) or not statements:
        raise InvalidResponse(f"policyDocument.Statement must be a non-empty list, got {statements!r}")
    allowed = False
    for statement in statements:
        if not isinstance(statement, dict) or statement.get("Effect") not in ("Allow", "Deny"):
            raise InvalidResponse(f"each statement needs Effect Allow or Deny, got {statement!r}")
        actions = _strings(statement.get("Action"), "Action")
        resources = _strings(statement.get("Resource"), "Resource")
        if not any(_glob(a.lower()).fullmatch("execute-api:invoke") for a in actions):
            continue
        if not any(_glob(r).fullmatch(route_arn) for r in resources):
            continue
        if statement["Effect"] == "Deny":
            return False
        allowed = True
    return allowed


def decide(payload: Any, route_arn: str, *, simple: bool, iam: bool) -> tuple[bool, Any, Any]:
    """``(allowed, context, principalId)`` from an authorizer's answer, or :class:`InvalidResponse`."""
    if not isinstance(payload, dict):
        raise InvalidResponse(f"the authorizer returned {type(payload).__name__} {payload!r}, not an object")
    context = payload.get("context")
    if context is not None and not isinstance(context, dict):
        raise InvalidResponse(f"context must be an object, got {context!r}")
    if simple and "isAuthorized" in payload:
        if not isinstance(payload["isAuthorized"], bool):
            raise InvalidResponse(f"isAuthorized must be a boolean, got {payload['isAuthorized']!r}")
        return payload["isAuthorized"], context, None
    if iam and "policyDocument" in payload:
        return evaluate_policy(payload["policyDocument"], route_arn), context, payload.get("principalId")
    wanted = " or ".join(n for n, on in (('{"isAuthorized": bool}', simple), ("an IAM policy", iam)) if on)
    raise InvalidResponse(f"expected {wanted}, got {payload!r}")
