"""What the gateway makes of an integration's result: the ``$connect`` verdict, the two-way
answer of a route, and the error messages API Gateway sends to a client."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pytest_apigw_embedded.lambda_runtime.result import InvokeResult

from pytest_apigw_embedded.exchange.limits import invalid_header


@dataclass
class ConnectVerdict:
    """Accept the handshake (with a subprotocol, maybe) or reject it with an HTTP answer."""

    accept: bool
    status: int = 200
    body: bytes = b""
    headers: list[tuple[bytes, bytes]] = field(default_factory=list)
    subprotocol: str | None = None


def _header(headers: Any, name: str) -> str | None:
    if isinstance(headers, dict):
        for key, value in headers.items():
            if str(key).lower() == name:
                return str(value)
    return None


def connect_verdict(result: InvokeResult) -> ConnectVerdict:
    """``$connect``: a 2xx ``statusCode`` (or none: the function returned no status) accepts;
    any other status rejects the upgrade with it; a failed invocation rejects with 500."""
    if result.failed:
        return ConnectVerdict(False, 500, b'{"message": "Internal server error"}',
                              [(b"content-type", b"application/json")])
    payload = result.payload
    if not isinstance(payload, dict):
        return ConnectVerdict(True)
    try:
        status = int(payload.get("statusCode", 200))
    except (TypeError, ValueError):
        return ConnectVerdict(False, 502, b'{"message": "Internal server error"}',
                              [(b"content-type", b"application/json")])
    headers = payload.get("headers") or {}
    if 200 <= status < 300:
        return ConnectVerdict(True, status, subprotocol=_header(headers, "sec-websocket-protocol"))
    body = payload.get("body")
    data = body_bytes(body, payload.get("isBase64Encoded", False)) if body is not None else b""
    pairs = [(str(k), str(v)) for k, v in (headers.items() if isinstance(headers, dict) else ())
             if str(k).lower() not in ("content-length", "connection", "transfer-encoding")]
    if invalid_header(pairs) is not None:  # CR/LF or non-Latin-1 in a header: a malformed answer
        return ConnectVerdict(False, 500, b'{"message": "Internal server error"}',
                              [(b"content-type", b"application/json")])
    out = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in pairs]
    if not any(k.lower() == b"content-type" for k, _ in out):
        out.append((b"content-type", b"application/json"))
    return ConnectVerdict(False, status if 100 <= status < 600 else 502, data, out)


def body_bytes(body: Any, is_base64: bool) -> bytes:
    """A proxy-response ``body`` as bytes."""
    if is_base64:
        return base64.b64decode(body)
    return body.encode() if isinstance(body, str) else json.dumps(body).encode()


def two_way_reply(payload: Any) -> str | bytes | None:
    """The message a two-way route sends back: the proxy response's ``body`` (binary when
    ``isBase64Encoded``); a function that returns a bare value sends its JSON text (a string as
    is); a response with a ``statusCode`` and no ``body`` sends nothing."""
    if payload is None:
        return None
    if isinstance(payload, dict):
        if "body" in payload:
            body = payload["body"]
            if body is None:
                return None
            if payload.get("isBase64Encoded"):
                return base64.b64decode(body)
            return body if isinstance(body, str) else json.dumps(body)
        if "statusCode" in payload:
            return None
    if isinstance(payload, str):
        return payload
    if isinstance(payload, bytes):
        return payload
    return json.dumps(payload)


def error_message(message: str, connection_id: str, request_id: str) -> str:
    """API Gateway's error frame, e.g. ``{"message": "Forbidden", "connectionId": ..., "requestId": ...}``."""
    return json.dumps({"message": message, "connectionId": connection_id, "requestId": request_id})
