"""Access-log formats as API Gateway reads them: ``$context.*`` variables in a one-line template.

AWS's rules (``http-api-logging.md``, ``http-api-logging-variables.md``,
``websocket-api-logging.md``): a stage's ``AccessLogSettings.Format`` is a single line holding
``$context.name`` variables (dotted names such as ``$context.identity.sourceIp`` or
``$context.authorizer.claims.sub`` included); it must hold ``$context.requestId`` or
``$context.extendedRequestId`` (CDK checks the same before synthesis); a variable with no value
for a request is written as ``-``. Rendering is pure: backends collect the values.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Mapping
from typing import Any

#: A ``$context`` reference: the longest run of dotted name parts (``$context.identity.sourceIp``).
VARIABLE_RE = re.compile(r"\$context\.([A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)*)")
#: At least one of these must appear in a format.
REQUIRED = ("requestId", "extendedRequestId")
#: What AWS writes for a variable without a value.
NO_VALUE = "-"
#: The sample format the API Gateway console offers for HTTP APIs (JSON), from
#: ``http-api-logging.md``.
HTTP_JSON_FORMAT = (
    '{ "requestId":"$context.requestId", "ip": "$context.identity.sourceIp", '
    '"requestTime":"$context.requestTime", "httpMethod":"$context.httpMethod",'
    '"routeKey":"$context.routeKey", "status":"$context.status",'
    '"protocol":"$context.protocol", "responseLength":"$context.responseLength" }'
)
#: The console's CLF sample for HTTP APIs.
HTTP_CLF_FORMAT = (
    '$context.identity.sourceIp - - [$context.requestTime] "$context.httpMethod $context.routeKey '
    '$context.protocol" $context.status $context.responseLength $context.requestId'
)
#: The console's JSON sample for WebSocket APIs (``websocket-api-logging.md``).
WEBSOCKET_JSON_FORMAT = (
    '{ "requestId":"$context.requestId", "ip": "$context.identity.sourceIp", '
    '"caller":"$context.identity.caller", "user":"$context.identity.user",'
    '"requestTime":"$context.requestTime", "eventType":"$context.eventType",'
    '"routeKey":"$context.routeKey", "status":"$context.status",'
    '"connectionId":"$context.connectionId" }'
)


def variables_in(fmt: str) -> list[str]:
    """The ``$context`` variable names a format uses, in order (``identity.sourceIp``, ...)."""
    return VARIABLE_RE.findall(fmt)


def check_format(label: str, fmt: Any) -> str | None:
    """``fmt`` when it is a valid access-log format (``None`` passes through), else a
    :class:`~pytest_apigw.errors.SpecError` naming the stage and the rule."""
    from pytest_apigw.errors import SpecError

    if fmt is None:
        return None
    if not isinstance(fmt, str) or not fmt.strip():
        raise SpecError(label, f"access_log_format must be a non-empty string, got {fmt!r}")
    if "\n" in fmt or "\r" in fmt:
        raise SpecError(label, "access_log_format must be a single line (AWS writes one line per request)")
    if not any(name in REQUIRED for name in variables_in(fmt)):
        raise SpecError(
            label, "access_log_format must include $context.requestId or $context.extendedRequestId "
            f"(AWS refuses the stage otherwise), got {fmt!r}"
        )
    return fmt


def _text(value: Any) -> str:
    kind = value.__class__
    if kind is str:
        return value or NO_VALUE
    if value is None:
        return NO_VALUE
    if kind is int:  # statuses, lengths, latencies: before the ABC check below, which is slow
        return str(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else f"{value:g}"
    if isinstance(value, Mapping | list):
        return json.dumps(value, separators=(",", ":"))
    return str(value)


def lookup(values: Mapping[str, Any], name: str) -> Any:
    """The value of variable ``name``: a flat key (``identity.sourceIp``) first, then a walk
    through nested mappings (``authorizer.claims.sub`` in ``{"authorizer": {"claims": ...}}``)."""
    if name in values:
        return values[name]
    node: Any = values
    for part in name.split("."):
        if not isinstance(node, Mapping) or part not in node:
            return None
        node = node[part]
    return node


@functools.lru_cache(maxsize=256)
def compile_format(fmt: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """``(literals, names)``: the text around the variables and the variable names, so that
    ``literals[0] + value(names[0]) + literals[1] + ...`` is the line (split once per format)."""
    pieces = VARIABLE_RE.split(fmt)
    return tuple(pieces[0::2]), tuple(pieces[1::2])


@functools.lru_cache(maxsize=256)
def _steps(fmt: str) -> tuple[str, tuple[tuple[str, str], ...]]:
    """``(first literal, ((name, literal after it), ...))`` of :func:`compile_format`."""
    literals, names = compile_format(fmt)
    return literals[0], tuple(zip(names, literals[1:], strict=True))


def render(fmt: str, values: Mapping[str, Any]) -> str:
    """``fmt`` with every ``$context.x`` replaced by its value from ``values`` (``-`` when absent)."""
    first, steps = _steps(fmt)
    out = [first]
    append = out.append  # this runs once per variable of every logged request
    for name, literal in steps:
        value = values[name] if name in values else lookup(values, name)
        append(value if value.__class__ is str and value else _text(value))
        append(literal)
    return "".join(out)
