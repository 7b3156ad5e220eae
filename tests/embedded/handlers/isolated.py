"""Module-level handlers that can be shipped to a worker process."""

import json
import os
import time


def env_and_context(event, context):
    """Report the environment and context the handler sees."""
    return {
        "pid": os.getpid(),
        "env": {k: os.environ.get(k) for k in ("STAGE_NAME", "AWS_LAMBDA_FUNCTION_NAME", "ONLY_IN_A")},
        "function_name": context.function_name,
        "memory": context.memory_limit_in_mb,
        "arn": context.invoked_function_arn,
        "request_id": context.aws_request_id,
        "remaining": context.get_remaining_time_in_millis(),
    }


def sleepy(event, context):
    """Sleep for the number of seconds in the query string ``s``."""
    time.sleep(float(event["queryStringParameters"]["s"]))
    return {"statusCode": 200, "body": json.dumps({"pid": os.getpid()})}


def crash(event, context):
    """Print, then fail."""
    print("about to fail")
    raise ValueError("isolated failure")


def mark_then_sleep(event, context):
    """Create the file named in ``mark`` (when given), then sleep ``s`` seconds."""
    query = event.get("queryStringParameters") or {}
    if "mark" in query:
        with open(query["mark"], "w") as marker:
            marker.write("ran")
    time.sleep(float(query.get("s", "0")))
    return {"statusCode": 200, "body": "done"}
