"""Route coverage from the gateway's own record: access-log lines read back into route hits.

Where a backend writes access logs (AWS, LocalStack Pro: CloudWatch Logs), route coverage asks
for one on every stage: :data:`FORMAT` on a stage without ``access_log_format``, the user's own
format otherwise (so ``deployment.access_log`` stays what they set). :func:`missing` says which
variables a format lacks for coverage; :func:`read` turns a format's lines back into
:class:`LogRecord` values (the reader every backend's lines go through); :func:`records` does it
for a whole deployment, from ``Backend.stage_access_logs``.

The variables (AWS's ``http-api-logging-variables.md`` and ``websocket-api-logging.md``):
``$context.routeKey`` (``-`` when no route matched), ``$context.status``, ``$context.requestId``,
``$context.authorizer.error`` (the authorizer's refusal; ``-`` when it allowed the request or
none ran).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import pytest

from pytest_apigw.access_log import NO_VALUE, compile_format, variables_in

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

#: The format route coverage gives a stage that has none (JSON, one line per request).
FORMAT = ('{"requestId":"$context.requestId","routeKey":"$context.routeKey",'
          '"status":"$context.status","authorizerError":"$context.authorizer.error"}')
#: What every format must carry for coverage.
NEEDED = ("routeKey", "status", "requestId")
#: What it must also carry when a route has an authorizer (allowed / refused).
NEEDED_WITH_AUTHORIZERS = ("authorizer.error",)

#: Set in ``config.stash`` when route coverage is on: backends that write access logs then give
#: every stage one (:func:`requested`).
WANTED = pytest.StashKey[bool]()

#: What a variable's value looks like, where a format may put text around it that the value
#: could also hold (``"$context.httpMethod $context.routeKey $context.protocol"``).
_SHAPES = {
    "status": r"\d{3}|-",
    "requestId": r"[^\s\"]+",
    "extendedRequestId": r"[^\s\"]+",
    "httpMethod": r"[A-Z]+|-",
    "protocol": r"HTTP/[0-9.]+|-",
    "routeKey": r"-|\$[A-Za-z]+|[A-Z]+ /[^\s\"]*|.*?",
}


def requested(config: pytest.Config | None) -> bool:
    """True when route coverage is on in this pytest run."""
    return config is not None and config.stash.get(WANTED, False)


@dataclass(frozen=True)
class LogRecord:
    """One access-log line, as route coverage reads it."""

    route_key: str | None
    status: int | None
    request_id: str | None
    #: The authorizer's refusal (``None``: allowed, or no authorizer ran; also when the format
    #: does not carry ``$context.authorizer.error``).
    authorizer_error: str | None


def missing(fmt: str, *, authorizers: bool) -> list[str]:
    """The ``$context`` variables ``fmt`` lacks for route coverage (``[]`` when it has them)."""
    present = set(variables_in(fmt))
    needed = NEEDED + (NEEDED_WITH_AUTHORIZERS if authorizers else ())
    return [f"$context.{name}" for name in needed if name not in present]


@lru_cache(maxsize=64)
def _pattern(fmt: str) -> tuple[re.Pattern[str], tuple[str, ...]]:
    literals, names = compile_format(fmt)
    parts = [re.escape(literals[0])]
    for index, (name, literal) in enumerate(zip(names, literals[1:], strict=True)):
        parts.append(f"(?P<v{index}>{_SHAPES.get(name, '.*?')})")
        parts.append(re.escape(literal))
    return re.compile("".join(parts) + r"\Z", re.DOTALL), names


def parse_line(fmt: str, line: str) -> LogRecord | None:
    """``line`` read with ``fmt`` (``None`` when the line does not have the format's shape)."""
    pattern, names = _pattern(fmt)
    match = pattern.match(line.rstrip("\r\n"))
    if match is None:
        return None
    values: dict[str, str] = {}
    for index, name in enumerate(names):
        values.setdefault(name, match.group(f"v{index}"))

    def value(name: str) -> str | None:
        found = values.get(name)
        return None if found in (None, NO_VALUE, "") else found

    status = value("status")
    return LogRecord(value("routeKey"), int(status) if status and status.isdigit() else None,
                     value("requestId") or value("extendedRequestId"), value("authorizer.error"))


def read(fmt: str, lines: Iterable[str]) -> Iterator[LogRecord]:
    """Every line of a stage's access log that has ``fmt``'s shape, read; the others skipped."""
    for line in lines:
        record = parse_line(fmt, line)
        if record is not None:
            yield record


def has_authorizers(api: Any) -> bool:
    """True when a route of ``api`` has an authorizer."""
    return any(route.authorizer is not None for route in api.routes.values())


def records(deployment: Any, *, expected: int = 0) -> tuple[list[LogRecord] | None, str]:
    """Every stage's access-log lines of ``deployment`` read (the backend's
    ``stage_access_logs``), or ``None`` and why they cannot serve: unreadable, a stage without a
    log, a format that lacks a variable coverage reads."""
    api = deployment.api
    try:
        logs = deployment.backend.stage_access_logs(deployment, expected=expected)
    except Exception as exc:  # an unreadable log must not fail the test's teardown
        return None, f"access logs could not be read: {type(exc).__name__}: {exc}"
    logged = {log.stage for log in logs}
    unlogged = [stage.stage_name for stage in api.stages if stage.stage_name not in logged]
    if unlogged:
        return None, f"no access log on stage {', '.join(map(repr, unlogged))}"
    guarded = has_authorizers(api)
    lacking = [f"stage {log.stage!r} access_log_format lacks {', '.join(gaps)}"
               for log in logs if (gaps := missing(log.format, authorizers=guarded))]
    if lacking:
        return None, "; ".join(lacking)
    return [record for log in logs for record in read(log.format, log.lines)], ""
