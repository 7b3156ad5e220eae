"""Probe Lambda handler of the timeout case (standard library only, shipped with the other
probes as handler ``contract_timing.slow``)."""

import json
import time
from typing import Any


def slow(event: dict[str, Any], context: object) -> dict[str, Any]:
    """Sleep the seconds the request's ``x-delay`` header asks for (at most 5), then answer
    ``{"slept": seconds}``."""
    headers = {str(k).lower(): v for k, v in (event.get("headers") or {}).items()}
    seconds = min(float(headers.get("x-delay") or 0), 5.0)
    time.sleep(seconds)
    return {"statusCode": 200, "headers": {"content-type": "application/json"},
            "body": json.dumps({"slept": seconds})}
