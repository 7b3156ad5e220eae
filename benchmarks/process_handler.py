"""The process-isolated benchmark Lambda: the same answer as ``apis.hello``, with light imports
(a worker imports this module, so its import is part of every cold start measured)."""

from __future__ import annotations

import json
from typing import Any

BODY = json.dumps({"message": "hello", "path": "/items/42"})


def hello(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """A small JSON answer."""
    return {"statusCode": 200, "headers": {"content-type": "application/json"}, "body": BODY}
