"""A response on its way to the client, and the gateway's own error answers (AWS's texts)."""

from __future__ import annotations

import json


class GatewayResponse:
    """Status, headers (a list: names may repeat, e.g. ``set-cookie``) and body bytes.

    A plain slotted class (a dataclass cost the session's first deploy about 0.3 ms to create)."""

    __slots__ = ("status", "headers", "body")

    def __init__(self, status: int, headers: list[tuple[str, str]] | None = None, body: bytes = b"") -> None:
        self.status = status
        self.headers: list[tuple[str, str]] = [] if headers is None else headers
        self.body = body

    def __repr__(self) -> str:
        return f"GatewayResponse(status={self.status!r}, headers={self.headers!r}, body={self.body!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, GatewayResponse):
            return NotImplemented
        return (self.status, self.headers, self.body) == (other.status, other.headers, other.body)

    __hash__ = None  # type: ignore[assignment]  # mutable, compared by value (as the dataclass was)


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
