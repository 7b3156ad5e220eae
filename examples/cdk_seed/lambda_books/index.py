"""The Books function's code (an asset directory): ``index.handler``, like many functions."""

import json
import os


def handler(event, context):
    """GET /books: the books of the shelf named by ``SHELF``."""
    body = {"shelf": os.environ.get("SHELF"), "path": event["rawPath"], "function": context.function_name}
    return {"statusCode": 200, "headers": {"content-type": "application/json"}, "body": json.dumps(body)}
