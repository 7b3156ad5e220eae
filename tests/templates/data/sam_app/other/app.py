"""ByeFunction: also ``app.lambda_handler``, in another folder (must not shadow HelloFunction's)."""

import json
import os


def lambda_handler(event, context):
    """Says goodbye."""
    return {"statusCode": 200, "body": json.dumps({"message": os.environ["GREETING"], "function": "bye"})}
