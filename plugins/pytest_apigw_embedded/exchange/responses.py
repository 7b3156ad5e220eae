"""A response on its way to the client, and the gateway's own error answers (AWS's texts)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field


@dataclass(slots=True)
class GatewayResponse:
    """Status, headers (a list: names may repeat, e.g. ``set-cookie``) and body bytes."""

    status: int
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""


def error(status: int, message: str) -> GatewayResponse:
    """AWS's JSON error body, e.g. ``{"message":"Not Found"}``."""
    body = json.dumps({"message": message}, separators=(",", ":")).encode()
    return GatewayResponse(status, [("content-type", "application/json")], body)


def not_found() -> GatewayResponse:
    """No stage or no route: 404 ``{"message":"Not Found"}``."""
    return error(404, "Not Found")


def internal_error() -> GatewayResponse:
    """Integration failure or malformed response: 500."""
    return error(500, "Internal Server Error")


def service_unavailable() -> GatewayResponse:
    """Integration timeout / no healthy target: 503."""
    return error(503, "Service Unavailable")


def bad_gateway() -> GatewayResponse:
    """Upstream failed mid-response: 502."""
    return error(502, "Bad Gateway")


def gateway_timeout() -> GatewayResponse:
    """Upstream did not answer in time: 504."""
    return error(504, "Gateway Timeout")


def too_many_requests() -> GatewayResponse:
    """Throttled (``http-api-throttling.md``): 429."""
    return error(429, "Too Many Requests")


def too_large() -> GatewayResponse:
    """Payload over 10 MB: 413."""
    return error(413, "Request Entity Too Large")
