"""Probe Lambda handlers of the conformance suite: standard library only, so this file alone
can be shipped to any backend as handler ``contract_probes.echo`` / ``contract_probes.reply``."""

import base64
import json
from typing import Any


def echo(event: dict[str, Any], context: object) -> dict[str, Any]:
    """Return the event the function received, as a JSON body (works for payload 1.0 and 2.0)."""
    return {"statusCode": 200, "headers": {"content-type": "application/json"}, "body": json.dumps(event)}


def reply(event: dict[str, Any], context: object) -> Any:
    """Return ``result`` from the request's JSON body: the suite scripts the function's answer."""
    body = event.get("body") or "{}"
    if event.get("isBase64Encoded"):
        body = base64.b64decode(body).decode("utf-8")
    return json.loads(body)["result"]


def ws_echo(event: dict[str, Any], context: object) -> dict[str, Any]:
    """WebSocket probe: answer with the route key that was selected and the message body."""
    context_ = event.get("requestContext") or {}
    answer = {"routeKey": context_.get("routeKey"), "body": event.get("body")}
    return {"statusCode": 200, "body": json.dumps(answer)}
