"""The ``$context`` values of one request, for the stage's access-log line.

Names and meanings from AWS's "Customize HTTP API access logs" and "WebSocket API logging
variables" pages; rendering (``-`` for a variable without a value) is
:func:`pytest_apigw.access_log.render`. HTTP values come from the request, the response and the
invocation record; WebSocket values from the event's ``requestContext``, which already holds
AWS's names.
"""

from __future__ import annotations

import json
from typing import Any

from pytest_apigw.access_log import render
from pytest_apigw.invocations import Invocation
from pytest_apigw_embedded.aws import ACCOUNT_ID
from pytest_apigw_embedded.exchange.context import domain_of, request_time


def clf_time(epoch_ms: int) -> str:
    """``02/Dec/2026:06:11:50 +0000``: the CLF time ``$context.requestTime`` holds (the Lambda
    event's ``requestContext.time``, formatted once per second)."""
    return request_time(epoch_ms // 1000)


def _ms(value: float | None) -> int | None:
    return None if value is None else int(round(value))


def _gateway_message(record: Invocation, body: bytes) -> str | None:
    """``$context.error.message``: the message of an answer the gateway made itself."""
    if record.error is None and record.authorized is not False:
        return None
    try:
        message = json.loads(body).get("message")
    except (ValueError, AttributeError):
        return None
    return message if isinstance(message, str) else None


def _authorizer_values(event: Any) -> dict[str, Any]:
    """``authorizer.*`` from the event the integration got (2.0: ``jwt`` / ``lambda``; 1.0: flat)."""
    request_context = event.get("requestContext") if isinstance(event, dict) else None
    context = request_context.get("authorizer") if isinstance(request_context, dict) else None
    if not isinstance(context, dict):
        return {}
    values: dict[str, Any] = {}
    if isinstance(context.get("jwt"), dict):
        values["claims"] = context["jwt"].get("claims") or {}
    elif isinstance(context.get("lambda"), dict):
        values.update(context["lambda"])
    else:
        values.update(context)
    return values


def http_values(api_id: str, request: Any, status: int, body: bytes, record: Invocation,
                domain_name: str) -> dict[str, Any]:
    """Every HTTP API variable the emulator knows for this request."""
    key = record.route_key
    refused = record.authorized is False
    failed = record.error is not None or refused
    message = _gateway_message(record, body) if failed else None
    integration_error = record.error if not refused and status >= 500 else None
    authorizer = _authorizer_values(record.event)
    if refused:
        authorizer["error"] = record.error
    integration_status = record.integration_status
    latency = _ms(record.integration_latency_ms)
    return {
        "accountId": ACCOUNT_ID,
        "apiId": api_id,
        "authorizer": authorizer,
        "domainName": domain_name,
        "domainPrefix": domain_of(domain_name, api_id)[1],
        "error.message": message,
        "error.messageString": None if message is None else json.dumps(message),
        "extendedRequestId": request.request_id,
        "httpMethod": request.method,
        "identity.sourceIp": request.source_ip,
        "identity.userAgent": request.header("user-agent"),
        "integration.error": integration_error,
        "integration.integrationStatus": integration_status,
        "integration.latency": latency,
        "integration.status": integration_status,
        "integrationErrorMessage": integration_error,
        "integrationLatency": latency,
        "integrationStatus": integration_status,
        "path": request.raw_path,
        "protocol": request.protocol,
        "requestId": request.request_id,
        "requestTime": request_time(request.time_epoch_ms // 1000),
        "requestTimeEpoch": request.time_epoch_ms,
        "responseLatency": _ms(record.duration_ms),
        "responseLength": len(body),
        "routeKey": key if key is not None and key[:1] != "(" else None,  # "(...)": not a route
        "stage": record.stage or None,
        "status": status,
    }


def websocket_values(request_context: dict[str, Any], record: Invocation) -> dict[str, Any]:
    """Every WebSocket API variable for one event: the ``requestContext`` AWS sends the
    integration (``requestId``, ``eventType``, ``connectionId``, ``messageId``, ...) plus the
    outcome (``status``, latencies, errors)."""
    values = dict(request_context)
    identity = values.pop("identity", {}) or {}
    for key, value in identity.items():
        values[f"identity.{key}"] = value
    refused = record.authorized is False
    status = 200 if record.status == 101 else record.status
    values.update({
        "accountId": ACCOUNT_ID,
        "status": status,
        "integrationLatency": _ms(record.integration_latency_ms),
        "integration.latency": _ms(record.integration_latency_ms),
        "integrationStatus": record.integration_status,
        "integration.status": record.integration_status,
        "integration.error": record.error if not refused and (status or 0) >= 500 else None,
        "authorizer": dict(values.get("authorizer") or {}),
        "error.message": record.error and _websocket_message(status),
    })
    if refused:
        values["authorizer"]["error"] = record.error
        values["authorize.error"] = record.error
        values["authorize.status"] = status
    return values


def _websocket_message(status: int | None) -> str | None:
    return {403: "Forbidden", 401: "Unauthorized", 500: "Internal server error"}.get(status or 0)


def line(fmt: str, values: dict[str, Any]) -> str:
    """The rendered access-log line."""
    return render(fmt, values)
