"""Access logs: a CloudWatch Logs group per stage with a format, read back on demand.

CreateStage takes ``AccessLogSettings`` (``DestinationArn`` of a log group, ``Format``); API
Gateway then writes one line per request to that group. A stage gets one when it has
``access_log_format``, or, when route coverage is on (``Context.route_log_format``), with
coverage's own format: that group is the gateway's record of which route each request matched,
read by :func:`read_stages` and left out of ``deployment.access_log`` (:func:`read`). MiniStack
stores the settings but writes nothing (capability ``access_logs`` lacking).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pytest_apigw.backend import StageAccessLog
from pytest_apigw_localstack.translate.context import Context

#: The ledger kind of a created log group.
KIND = "log_group"


def settings(ctx: Context, stage: Any) -> dict[str, str] | None:
    """``AccessLogSettings`` for ``stage`` (its log group created now), or ``None`` without a format."""
    fmt = stage.access_log_format or ctx.route_log_format
    if fmt is None:
        return None
    name = "/aws/apigateway/" + ctx.names.name(stage.id, limit=200)
    ctx.ledger.add(KIND, name, stage=stage.stage_name, format=fmt, users=stage.access_log_format is not None)
    ctx.clients.logs.create_log_group(logGroupName=name, tags=ctx.names.tags(stage.label))
    return {"DestinationArn": ctx.arn("logs", f"log-group:{name}"), "Format": fmt}


#: What AWS answers when the account may not log (a WebSocket stage needs the account's CloudWatch
#: Logs role: "CloudWatch Logs role ARN must be set in account settings to enable logging").
_NO_ROLE = "CloudWatch Logs role ARN"


def create_stage(ctx: Context, stage: Any, create: Callable[..., Any], **kwargs: Any) -> None:
    """``create(**kwargs)`` (CreateStage) with the stage's ``AccessLogSettings``. When only route
    coverage asked for the log and the account refuses logging, the stage is created without it
    (coverage then counts that API client-side and says why): coverage never fails a deploy."""
    logging = settings(ctx, stage)
    if logging is None:
        create(**kwargs)
        return
    try:
        create(**kwargs, AccessLogSettings=logging)
    except Exception as exc:
        if stage.access_log_format is not None or _NO_ROLE not in str(exc):
            raise
        ctx.ledger.of(KIND)[-1].extra["refused"] = str(exc)
        create(**kwargs)


def _events(clients: Any, group: str) -> list[tuple[int, str]]:
    """``(timestamp, message)`` of every event in ``group`` (none once it is deleted)."""
    events: list[tuple[int, str]] = []
    paginator = clients.logs.get_paginator("filter_log_events")
    try:
        for page in paginator.paginate(logGroupName=group):
            events.extend((e.get("timestamp", 0), e["message"]) for e in page.get("events", []))
    except clients.logs.exceptions.ResourceNotFoundException:
        return []  # deleted at teardown: the lines went with it
    return events


def read(clients: Any, ledger: Any) -> list[str]:
    """Every line written to the deployment's access-log groups so far, oldest first (the
    groups of the user's formats only)."""
    events: list[tuple[int, str]] = []
    for resource in ledger.of(KIND):
        if resource.extra.get("users", True):
            events.extend(_events(clients, resource.id))
    return [message for _, message in sorted(events, key=lambda item: item[0])]


def read_stages(clients: Any, ledger: Any) -> list[StageAccessLog]:
    """Each stage's access log (format and lines, oldest first), coverage's groups included."""
    logs = []
    for resource in ledger.of(KIND):
        if "refused" in resource.extra:  # the stage was created without it
            continue
        events = sorted(_events(clients, resource.id), key=lambda item: item[0])
        logs.append(StageAccessLog(resource.extra.get("stage", ""), resource.extra.get("format", ""),
                                   [message for _, message in events], resource.extra.get("users", True)))
    return logs
