"""Lambda handlers shipped to MiniStack by the localstack backend tests (module level: shippable)."""

import json
import os


def echo(event, context):
    """Answer with what the event says about the request."""
    ctx = event.get("requestContext") or {}
    return {
        "statusCode": 200,
        "headers": {"content-type": "application/json"},
        "body": json.dumps({
            "version": event.get("version"),
            "routeKey": event.get("routeKey") or event.get("resource"),
            "method": (ctx.get("http") or {}).get("method") or event.get("httpMethod"),
            "path": event.get("rawPath") or event.get("path"),
            "pathParameters": event.get("pathParameters"),
            "stage": ctx.get("stage"),
            "greeting": os.environ.get("GREETING"),
            "stageVariables": event.get("stageVariables"),
        }),
    }


def ws_echo(event, context):
    """WebSocket: echo the message body back (a two-way route sends it to the client)."""
    ctx = event.get("requestContext") or {}
    if ctx.get("eventType") in ("CONNECT", "DISCONNECT"):
        return {"statusCode": 200}
    return {"statusCode": 200, "body": json.dumps({"route": ctx.get("routeKey"), "got": event.get("body")})}


def whoami(event, context):
    """The function's own name, as its context says it."""
    return {"statusCode": 200, "body": context.function_name}
