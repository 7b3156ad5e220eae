"""CORS of HTTP APIs (``http-api-cors.md``): which ``access-control-*`` headers a response has.

What the page says: with a CORS configuration, "API Gateway automatically sends a response to
preflight OPTIONS requests, even if there isn't an OPTIONS route configured"; "for a CORS
request, API Gateway adds the configured CORS headers to the response from an integration";
it "ignores CORS headers returned from your backend integration"; "to return CORS headers, your
request must contain an origin header. For the OPTIONS method, your request must contain an
origin header and an Access-Control-Request-Method header"; ``allowOrigins`` takes origins,
``*``, and ``https://*`` / ``http://*`` ("any origin that begins with"). The configured headers
are ``Access-Control-Allow-Origin`` (allowOrigins), ``-Allow-Credentials``, ``-Expose-Headers``,
``-Max-Age``, ``-Allow-Methods``, ``-Allow-Headers``. A route that catches ``OPTIONS``
(``$default``, ``ANY``, an ``OPTIONS`` route) gets the preflight like any request.

Undocumented choices, named here: the gateway answers a preflight 204 with no body; an origin
that is not allowed gets no CORS headers (the preflight still 204); ``*`` in ``allowOrigins``
may come back as ``*`` or as the request's origin; the list headers are compared as sets of
comma-separated tokens (spacing and order are not documented); which headers a routed preflight
or an actual request gets beyond ``-Allow-Origin``/``-Allow-Credentials``/``-Expose-Headers`` is
not compared, nor anything on the gateway's own error answers.
"""

from __future__ import annotations

from typing import Any

from pytest_apigw.contract.model.expect import ABSENT, UNSPECIFIED, OneOf
from pytest_apigw.contract.model.routing import select_route

#: Every header a CORS configuration sets.
CORS_HEADERS = (
    "access-control-allow-origin", "access-control-allow-credentials", "access-control-expose-headers",
    "access-control-max-age", "access-control-allow-methods", "access-control-allow-headers",
)
#: Headers whose value is a comma-separated list (compared as a set of tokens).
LIST_HEADERS = (
    "access-control-expose-headers", "access-control-allow-methods", "access-control-allow-headers",
)
#: Status of the gateway's own preflight answer (undocumented; what AWS answers).
PREFLIGHT_STATUS = 204


def tokens(name: str, value: str) -> str:
    """A list header's value normalised: sorted, de-duplicated tokens (methods upper-case,
    header names lower-case), joined with ``,``."""
    parts = {t.strip() for t in value.split(",") if t.strip()}
    parts = {p.upper() for p in parts} if name.endswith("methods") else {p.lower() for p in parts}
    return ",".join(sorted(parts))


def _header(request: Any, name: str) -> str | None:
    return next((v for k, v in request.wire_headers() if k.lower() == name), None)


def is_preflight(request: Any) -> bool:
    """``OPTIONS`` with ``Origin`` and ``Access-Control-Request-Method``."""
    return (request.method == "OPTIONS" and _header(request, "origin") is not None
            and _header(request, "access-control-request-method") is not None)


def allows(cors: Any, origin: str) -> bool:
    """Whether ``allowOrigins`` admits ``origin`` (exact, ``*``, ``https://*``, ``http://*``)."""
    for allowed in cors.allow_origins:
        if allowed in ("*", origin):
            return True
        if allowed in ("https://*", "http://*") and origin.startswith(allowed[:-1]):
            return True
    return False


def answered_by_gateway(api: Any, request: Any, stage_path: str) -> bool:
    """A preflight no route catches: the gateway answers it itself."""
    selection = select_route(list(api.routes), "OPTIONS", stage_path)
    return is_preflight(request) and not selection.candidates


def _origin_headers(cors: Any, origin: str) -> dict[str, Any]:
    exact = origin if "*" not in cors.allow_origins else OneOf(("*", origin), "undocumented for '*'")
    return {"access-control-allow-origin": exact,
            "access-control-allow-credentials": "true" if cors.allow_credentials else ABSENT}


def _list(name: str, values: tuple[str, ...]) -> Any:
    return tokens(name, ",".join(values)) if values else ABSENT


def expected_headers(cors: Any, request: Any, *, gateway_preflight: bool, routed: bool) -> dict[str, Any]:
    """The ``access-control-*`` headers of the response (``ABSENT``: must not be there,
    ``UNSPECIFIED``: not compared); ``routed``: the request reached an integration."""
    origin = _header(request, "origin")
    unspecified = dict.fromkeys(CORS_HEADERS, UNSPECIFIED)
    if not gateway_preflight and not routed:
        return unspecified  # the gateway's own error answers: nothing documented
    if origin is None or not allows(cors, origin):
        return dict.fromkeys(CORS_HEADERS, ABSENT)
    headers = {**unspecified, **_origin_headers(cors, origin)}
    if gateway_preflight:
        headers.update({
            "access-control-allow-methods": _list("access-control-allow-methods", cors.allow_methods),
            "access-control-allow-headers": _list("access-control-allow-headers", cors.allow_headers),
            "access-control-max-age": ABSENT if cors.max_age_seconds is None else str(cors.max_age_seconds),
        })
    elif not is_preflight(request):
        headers["access-control-expose-headers"] = _list("access-control-expose-headers", cors.expose_headers)
    return headers
