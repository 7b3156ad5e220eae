"""A worker-process handler reporting the start-up wiring it got."""

import json
import os
import sys


def boot(event, context):
    """Whether the @connections hook was installed at start-up, and the first PYTHONPATH entry."""
    return {"statusCode": 200, "body": json.dumps({
        "hooked": "_pytest_apigw_sdk_endpoint" in sys.modules,
        "first_path": os.environ.get("PYTHONPATH", "").split(os.pathsep)[0],
    })}
