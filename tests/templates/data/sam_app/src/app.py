"""HelloFunction: ``app.lambda_handler``, as ``sam init`` names it."""

import json
import os


def lambda_handler(event, context):
    """Greets the name in the path."""
    name = event["pathParameters"]["name"]
    return {"statusCode": 200, "body": json.dumps({"message": f"{os.environ['GREETING']}, {name}",
                                                   "function": "hello"})}
