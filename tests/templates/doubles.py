"""Test doubles named by ``"module.func"`` in ``handlers=`` (importable from the rootdir)."""

import json


def bye(event, context):
    """Stands in for ByeFunction."""
    return {"statusCode": 200, "body": json.dumps({"double": "bye", "function": context.function_name})}
