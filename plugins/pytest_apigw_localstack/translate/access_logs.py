"""Access logs: a CloudWatch Logs group per stage with ``access_log_format``, read back on demand.

CreateStage takes ``AccessLogSettings`` (``DestinationArn`` of a log group, ``Format``); API
Gateway then writes one line per request to that group. :func:`read` returns them, oldest
first. MiniStack stores the settings but writes nothing (capability ``access_logs`` lacking).
"""

from __future__ import annotations

from typing import Any

from pytest_apigw_localstack.translate.context import Context

#: The ledger kind of a created log group.
KIND = "log_group"


def settings(ctx: Context, stage: Any) -> dict[str, str] | None:
    """``AccessLogSettings`` for ``stage`` (its log group created now), or ``None`` without a format."""
    if stage.access_log_format is None:
        return None
    name = "/aws/apigateway/" + ctx.names.name(stage.id, limit=200)
    ctx.ledger.add(KIND, name)
    ctx.clients.logs.create_log_group(logGroupName=name, tags=ctx.names.tags(stage.label))
    return {"DestinationArn": ctx.arn("logs", f"log-group:{name}"), "Format": stage.access_log_format}


def read(clients: Any, ledger: Any) -> list[str]:
    """Every line written to the deployment's access-log groups so far, oldest first."""
    events: list[tuple[int, str]] = []
    paginator = clients.logs.get_paginator("filter_log_events")
    for resource in ledger.of(KIND):
        try:
            for page in paginator.paginate(logGroupName=resource.id):
                events.extend((e.get("timestamp", 0), e["message"]) for e in page.get("events", []))
        except clients.logs.exceptions.ResourceNotFoundException:
            continue  # deleted at teardown: the lines went with it
    return [message for _, message in sorted(events, key=lambda item: item[0])]
