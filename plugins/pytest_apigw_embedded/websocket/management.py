"""The ``@connections`` management API on a stage URL.

See ``apigateway-how-to-call-websocket-api-connections.md``.

``POST /{stage}/@connections/{id}`` sends the body to the client (200; 410 ``GoneException``
when the connection is unknown or closed; 413 ``PayloadTooLargeException`` over 128 KB),
``GET`` answers ``{connectedAt, identity: {sourceIp, userAgent}, lastActiveAt}``, ``DELETE``
closes the connection (204). Errors carry ``x-amzn-ErrorType`` so boto3's
``apigatewaymanagementapi`` client raises the modelled exceptions. Requests are not
authenticated (AWS checks SigV4/IAM; the emulator accepts any caller on loopback).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from pytest_apigw_embedded.lambda_events.websocket import iso8601, new_id
from pytest_apigw_embedded.websocket.connections import ConnectionRegistry, Gone
from pytest_apigw_embedded.websocket.limits import Limits

MARKER = "/@connections/"


@dataclass
class ManagementResponse:
    """What the management API answers."""

    status: int
    body: bytes = b""
    error_type: str | None = None


def parse_path(path: str) -> tuple[str, str] | None:
    """``(stage, connection id)`` of ``/{stage}/@connections/{id}``, else ``None``."""
    head, sep, connection_id = unquote(path).partition(MARKER)
    if not sep or not connection_id or "/" in connection_id:
        return None
    stage = head.strip("/")
    if not stage or "/" in stage:
        return None
    return stage, connection_id


def _error(status: int, error_type: str, message: str | None) -> ManagementResponse:
    return ManagementResponse(status, json.dumps({"message": message}).encode(), error_type)


def gone() -> ManagementResponse:
    """410 for an unknown or closed connection."""
    return _error(410, "GoneException", None)


async def handle(method: str, stage: str, connection_id: str, body: bytes | None,
                 registry: ConnectionRegistry, limits: Limits) -> ManagementResponse:
    """Answer one management request for a known stage (``body`` is ``None`` when too big)."""
    connection = registry.get(connection_id, stage)
    if method == "POST":
        if body is None or len(body) > limits.max_message_bytes:
            return _error(413, "PayloadTooLargeException", "Request entity too large")
        if connection is None:
            return gone()
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            data: str | bytes = body
        else:
            data = text
        try:
            await connection.send(data)
        except Gone:
            return gone()
        return ManagementResponse(200)
    if method == "GET":
        if connection is None:
            return gone()
        info = {
            "connectedAt": iso8601(connection.connected_at),
            "identity": {"sourceIp": connection.source_ip, "userAgent": connection.user_agent},
            "lastActiveAt": iso8601(connection.last_active_ms),
        }
        return ManagementResponse(200, json.dumps(info).encode())
    if method == "DELETE":
        if connection is None or not await connection.close(1000, ""):
            return gone()
        return ManagementResponse(204)
    return _error(403, "ForbiddenException", "Forbidden")


async def send(send: Any, response: ManagementResponse) -> None:
    """Write ``response`` to an ASGI HTTP ``send``."""
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(response.body)).encode()),
               (b"x-amzn-requestid", new_id().encode())]
    if response.error_type:
        headers.append((b"x-amzn-errortype", response.error_type.encode()))
    await send({"type": "http.response.start", "status": response.status, "headers": headers})
    await send({"type": "http.response.body", "body": response.body})
