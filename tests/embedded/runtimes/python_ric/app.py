"""A Python handler run by AWS's runtime interface client (awslambdaric) as a custom runtime."""

import json
import os

calls = 0


def handler(event, context):
    """Echo what Lambda gave: the path, the context and whether module state survived."""
    global calls
    calls += 1
    print(f"python handler call {calls}")
    if (event.get("queryStringParameters") or {}).get("fail"):
        raise ValueError("asked to fail")
    return {
        "statusCode": 200,
        "body": json.dumps({
            "path": event["rawPath"], "calls": calls, "pid": os.getpid(),
            "request_id": context.aws_request_id, "function_name": context.function_name,
            "remaining": context.get_remaining_time_in_millis(),
        }),
    }
