"""Probe Lambda handlers of the conformance suite: standard library only, so this file alone
can be shipped to any backend as handler ``contract_probes.echo`` / ``contract_probes.reply``."""

import base64
import json
from typing import Any


def echo(event: dict[str, Any], context: object) -> dict[str, Any]:
    """Return the event the function received, as a JSON body (works for payload 1.0 and 2.0)."""
    return {"statusCode": 200, "headers": {"content-type": "application/json"}, "body": json.dumps(event)}


#: The calls this copy of the module has answered (:func:`count_calls`).
CALLS = 0


def count_calls(event: dict[str, Any], context: object) -> dict[str, Any]:
    """Count the calls this copy of the module answered, kept at module level: what a function
    remembers between invocations, and never shares with another function."""
    global CALLS
    CALLS += 1
    return {"statusCode": 200, "headers": {"content-type": "application/json"},
            "body": json.dumps({"calls": CALLS})}


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


def ws_size(event: dict[str, Any], context: object) -> dict[str, Any]:
    """WebSocket probe: answer with the route key and the size in bytes of the message seen."""
    context_ = event.get("requestContext") or {}
    body = event.get("body")
    size = None if body is None else len(body.encode("utf-8"))
    return {"statusCode": 200, "body": json.dumps({"routeKey": context_.get("routeKey"), "size": size})}


def _report(summary: dict[str, Any]) -> None:
    """POST ``summary`` to the event sink named by ``CONTRACT_SINK`` (when set)."""
    import os
    import urllib.request

    sink = os.environ.get("CONTRACT_SINK")
    if sink:
        data = json.dumps(summary).encode()
        request = urllib.request.Request(sink, data=data, method="POST",
                                         headers={"content-type": "application/json"})
        with urllib.request.urlopen(request, timeout=10) as answer:
            answer.read()


def ws_probe(event: dict[str, Any], context: object) -> dict[str, Any]:
    """WebSocket probe of the stateful case: report the event to the sink (route key, event
    type, connection id, the ``X-Conn`` handshake header, the authorizer's principal), then
    answer with the same summary and the message body (sent back by two-way routes)."""
    context_ = event.get("requestContext") or {}
    headers = {str(k).lower(): v for k, v in (event.get("headers") or {}).items()}
    authorizer = context_.get("authorizer") or {}
    summary = {
        "routeKey": context_.get("routeKey"), "eventType": context_.get("eventType"),
        "connectionId": context_.get("connectionId"), "conn": headers.get("x-conn"),
        "principalId": authorizer.get("principalId"), "body": event.get("body"),
    }
    _report(summary)
    return {"statusCode": 200, "body": json.dumps(summary)}


def ws_authorize(event: dict[str, Any], context: object) -> dict[str, Any]:
    """WebSocket ``$connect`` Lambda authorizer: Allow when the ``Auth`` header is ``allow``,
    Deny otherwise (an IAM policy; principal ``contract-user``)."""
    headers = {str(k).lower(): v for k, v in (event.get("headers") or {}).items()}
    effect = "Allow" if headers.get("auth") == "allow" else "Deny"
    return {
        "principalId": "contract-user",
        "policyDocument": {"Version": "2012-10-17", "Statement": [
            {"Action": "execute-api:Invoke", "Effect": effect, "Resource": event.get("methodArn", "*")}]},
        "context": {"probe": "contract"},
    }


def cors_echo(event: dict[str, Any], context: object) -> dict[str, Any]:
    """Like :func:`echo`, with CORS headers of its own (a gateway with a CORS configuration
    ignores them: ``http-api-cors.md``)."""
    headers = {"content-type": "application/json", "access-control-allow-origin": "https://evil.example",
               "access-control-expose-headers": "x-evil", "access-control-allow-methods": "EVIL",
               "access-control-max-age": "4242"}
    return {"statusCode": 200, "headers": headers, "body": json.dumps(event)}
