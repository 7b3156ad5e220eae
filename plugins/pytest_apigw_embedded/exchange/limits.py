"""AWS's limits on what a request carries to Lambda and on what goes back to the client
(the payload limit and body reading are in ``asgi.py``).

Every number here is in ``docs/limits.md`` with its source and the answer the client gets.
"""

from __future__ import annotations

import json
import re
from typing import Any

#: Lambda's synchronous invocation payload (request): 6 MB (Lambda quotas, 6,291,456 bytes).
MAX_LAMBDA_REQUEST = 6 * 1024 * 1024
#: Lambda's response payload; the runtime API's recorded error names this number:
#: ``Exceeded maximum allowed payload size (6291556 bytes).`` (RequestEntityTooLarge).
MAX_LAMBDA_RESPONSE = 6_291_556

_TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+\Z")
#: Control characters other than tab (CR, LF and NUL among them): what uvicorn refused to write too.
_BAD_VALUE = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")


def invalid_header(headers: list[tuple[str, str]]) -> str | None:
    """Why a response header cannot be sent (a name that is not an HTTP token, a value with a
    control character such as CR, LF or NUL, a value outside Latin-1), or ``None`` when every
    header is fine."""
    for name, value in headers:
        if not isinstance(name, str) or not _TOKEN.match(name):
            return f"header name {name!r} is not a valid HTTP header name"
        if not isinstance(value, str) or _BAD_VALUE.search(value):
            return f"header {name!r} has an invalid value {value!r} (a control character: CR, LF, NUL, ...)"
        try:
            value.encode("latin-1")
        except UnicodeEncodeError:
            return f"header {name!r} has a value outside Latin-1: {value!r}"
    return None


#: A request body up to this size cannot take an event past :data:`MAX_LAMBDA_REQUEST` (base64
#: grows it by 4/3, the rest of an event stays under 64 KiB): its size need not be computed.
SMALL_LAMBDA_BODY = (MAX_LAMBDA_REQUEST - 64 * 1024) * 3 // 4 - 4


def lambda_request_size(event: dict[str, Any], body_size: int) -> int:
    """The event's size as Lambda counts it (its JSON), computed exactly only when a cheap upper
    bound could pass :data:`MAX_LAMBDA_REQUEST` (so small requests cost nothing)."""
    if body_size * 4 // 3 + 64 * 1024 < MAX_LAMBDA_REQUEST:
        return body_size
    return len(json.dumps(event, separators=(",", ":")).encode("utf-8"))


#: A result's body up to this many characters cannot take it past :data:`MAX_LAMBDA_RESPONSE`
#: (JSON escapes grow a character to 6 bytes at most, the rest of a result stays under 64 KiB).
SMALL_LAMBDA_RESPONSE_BODY = (MAX_LAMBDA_RESPONSE - 64 * 1024) // 6 - 1


def lambda_response_size(payload: Any) -> int:
    """The function result's size as JSON, computed exactly only for results with a big body."""
    body = payload.get("body") if isinstance(payload, dict) else payload
    rough = len(body) if isinstance(body, str | bytes) else 0
    if rough <= SMALL_LAMBDA_RESPONSE_BODY:
        return rough
    try:
        return len(json.dumps(payload, separators=(",", ":"), default=str).encode("utf-8"))
    except (TypeError, ValueError):
        return rough
