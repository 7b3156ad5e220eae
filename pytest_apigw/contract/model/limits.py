"""Request size limits of HTTP APIs (the quotas page, ``limits.md``: "Payload size 10 MB",
"Total combined size of request line and header values 10240 bytes").

AWS documents the limits, not the answers past them; the model follows the project's
documented choices (``docs/limits.md``): a request whose head passes the limit is answered 431
``{"message":"Request Header Fields Too Large"}``, a body over 10 MB 413
``{"message":"Request Entity Too Large"}``; neither reaches the integration. A backend that
answers otherwise declares a gap.

What "request line and header values" counts is read two ways: at least the request line and
every header value (``low``), at most every byte of the head, names, separators and line
ends included (``high``). Under the limit on the ``high`` reading the request passes; over it
on the ``low`` reading it is refused; in between either answer is right.
"""

from __future__ import annotations

from typing import Any

from pytest_apigw.contract.model.lambda_response import ExpectedResponse, gateway_error

MAX_HEAD = 10_240
MAX_PAYLOAD = 10 * 1024 * 1024
HEAD_TOO_LARGE = gateway_error(431, "Request Header Fields Too Large")
PAYLOAD_TOO_LARGE = gateway_error(413, "Request Entity Too Large")
#: What :func:`limit_verdict` answers when either reading may hold.
EITHER = "either"
#: How the rule of a refusal starts (a backend's declared gap is matched on it).
OVER = "over the limit"


def head_sizes(request: Any, host: str) -> tuple[int, int]:
    """``(low, high)``: the head's size on the two readings (see the module docstring)."""
    headers = [("Host", host), *request.wire_headers()]
    if request.body or request.method in ("POST", "PUT", "PATCH"):
        headers.append(("Content-Length", str(len(request.body))))
    line = f"{request.method} {request.target} HTTP/1.1"
    low = len(line.encode()) + sum(len(v.encode("latin-1")) for _, v in headers)
    high = len(line) + 2 + sum(len(k) + 2 + len(v.encode("latin-1")) + 2 for k, v in headers) + 2
    return low, high


def limit_verdict(request: Any, host: str) -> tuple[ExpectedResponse | None | str, str]:
    """``(the gateway's refusal, None: within the limits, or EITHER; why)``."""
    low, high = head_sizes(request, host)
    if low > MAX_HEAD:
        return HEAD_TOO_LARGE, f"{OVER}: a head of {low}-{high} bytes, the limit {MAX_HEAD}"
    if len(request.body) > MAX_PAYLOAD:
        return PAYLOAD_TOO_LARGE, f"{OVER}: a body of {len(request.body)} bytes, the limit {MAX_PAYLOAD}"
    if high > MAX_HEAD:
        return EITHER, f"head of {low}-{high} bytes: {MAX_HEAD} on one reading only"
    return None, f"head of {low}-{high} bytes, body of {len(request.body)} bytes: within the limits"
