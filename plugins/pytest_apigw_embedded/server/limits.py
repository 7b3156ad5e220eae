"""What a request arriving at an HTTP API may be, and the answer when it is more: AWS's limits
on a request's head and our bound on a silent connection (``docs/limits.md``). Shared by the lean
HTTP server (``http_protocol.py``) and uvicorn's protocol for WebSocket APIs (``protocol.py``);
tests and injected-bug runs patch the values here.
"""

from __future__ import annotations

import json

#: The scope key (ASGI) carrying the header names as the client spelled them.
HEADER_NAMES_KEY = "apigw.header_names"
#: HTTP APIs: "Total combined size of request line and header values: 10240 bytes" (quotas).
MAX_REQUEST_HEAD = 10_240
#: Seconds of silence after which a connection with no request, or an unfinished one, is closed.
#: AWS documents no value for HTTP APIs; 30 s (the longest integration timeout) is our choice.
IDLE_TIMEOUT = 30.0
#: Undocumented answer (one line to change): 431 with AWS's JSON error shape.
HEAD_TOO_BIG = json.dumps({"message": "Request Header Fields Too Large"}, separators=(",", ":")).encode()
#: The whole answer to a head over the limit (the connection is closed after it).
HEAD_TOO_BIG_RESPONSE = (
    b"HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-type: application/json\r\n"
    b"content-length: " + str(len(HEAD_TOO_BIG)).encode() + b"\r\nconnection: close\r\n\r\n" + HEAD_TOO_BIG
)


class HeadTooBig(Exception):
    """The request line and headers passed :data:`MAX_REQUEST_HEAD`."""
