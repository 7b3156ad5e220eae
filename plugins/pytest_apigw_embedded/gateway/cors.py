"""CORS as HTTP APIs apply it (``http-api-cors.md``).

With a CORS configuration the gateway answers preflight ``OPTIONS`` requests itself when no
route catches ``OPTIONS`` for the path, adds the configured headers to integration responses and
drops the CORS headers an integration returned. A route that catches ``OPTIONS`` (``$default``,
``ANY /{proxy+}``, an ``OPTIONS`` route) gets the preflight like any request, its authorizer
included (AWS's advice for authorized catch-all routes is an ``OPTIONS`` route without one).
Undocumented, chosen from what AWS shows: a preflight is
``OPTIONS`` with ``Origin`` and ``Access-Control-Request-Method`` and is answered 204; an origin
that is not allowed gets the 204 without CORS headers; ``*`` in ``allow_origins`` is sent as ``*``.
"""

from __future__ import annotations

from pytest_apigw.spec.cors import CorsPreflightOptions
from pytest_apigw_embedded.exchange.request import GatewayRequest
from pytest_apigw_embedded.exchange.responses import GatewayResponse


def is_preflight(request: GatewayRequest) -> bool:
    """``OPTIONS`` with ``Origin`` and ``Access-Control-Request-Method``."""
    return (
        request.method == "OPTIONS"
        and request.header("origin") is not None
        and request.header("access-control-request-method") is not None
    )


def _allow_origin(cors: CorsPreflightOptions, origin: str | None) -> list[tuple[str, str]]:
    if origin is None or not cors.allows_origin(origin):
        return []
    headers = [("access-control-allow-origin", "*" if "*" in cors.allow_origins else origin)]
    if cors.allow_credentials:
        headers.append(("access-control-allow-credentials", "true"))
    return headers


def _preflight_headers(cors: CorsPreflightOptions, request: GatewayRequest) -> list[tuple[str, str]]:
    headers = _allow_origin(cors, request.header("origin"))
    if headers:
        if cors.allow_methods:
            headers.append(("access-control-allow-methods", ",".join(cors.allow_methods)))
        if cors.allow_headers:
            headers.append(("access-control-allow-headers", ",".join(cors.allow_headers)))
        if cors.max_age_seconds is not None:
            headers.append(("access-control-max-age", str(cors.max_age_seconds)))
    return headers


def preflight(cors: CorsPreflightOptions, request: GatewayRequest) -> GatewayResponse:
    """The gateway's own answer to a preflight request."""
    return GatewayResponse(204, _preflight_headers(cors, request))


def decorate(
    cors: CorsPreflightOptions, request: GatewayRequest, response: GatewayResponse, *,
    preflight: bool = False,
) -> None:
    """Replace the integration's CORS headers with the configured ones (for an allowed origin;
    the preflight set for a routed preflight)."""
    response.headers = [(k, v) for k, v in response.headers if not k.startswith("access-control-")]
    if preflight:
        response.headers.extend(_preflight_headers(cors, request))
        return
    added = _allow_origin(cors, request.header("origin"))
    if added and cors.expose_headers:
        added.append(("access-control-expose-headers", ",".join(cors.expose_headers)))
    response.headers.extend(added)
