"""CORS configurations and the requests browsers send (``http-api-cors.md``): preflights
(``OPTIONS`` with ``Origin`` and ``Access-Control-Request-Method``) and actual requests with or
without an ``Origin``, from allowed and other origins."""

from __future__ import annotations

import dataclasses
from typing import Any

from hypothesis import strategies as st

from pytest_apigw.strategies.requests import requests_for
from pytest_apigw.strategies.wire import HttpRequest

__all__ = ["cors_configurations", "cors_requests"]

ORIGINS = ("https://app.example", "http://localhost:3000", "https://other.example", "http://evil.example")


@st.composite
def cors_configurations(draw: st.DrawFn) -> Any:
    """:class:`~pytest_apigw.CorsPreflightOptions` AWS accepts: origins (exact, ``*``, ``https://*``),
    methods, headers, exposed headers, credentials (never with ``*``), max age."""
    from pytest_apigw.spec import CorsPreflightOptions

    def some(*values: str) -> list[str]:
        return draw(st.lists(st.sampled_from(values), max_size=3, unique=True))

    origins = some(*ORIGINS[:2], "*", "https://*", "http://*")
    return CorsPreflightOptions(
        allow_origins=origins,
        allow_methods=some("GET", "POST", "PUT", "DELETE", "*"),
        allow_headers=some("authorization", "x-api-key", "content-type", "*"),
        expose_headers=some("x-request-id", "date", "*"),
        allow_credentials="*" not in origins and draw(st.booleans()),
        max_age=draw(st.one_of(st.none(), st.integers(0, 86400))),
    )


@st.composite
def cors_requests(draw: st.DrawFn, api: Any) -> HttpRequest:
    """Requests aimed at ``api``'s routes (on ``$default``) as a browser sends them: a preflight
    for a method, or the request itself with an ``Origin`` (allowed or not), or none."""
    request = draw(requests_for(api, stage="$default"))
    origin = draw(st.sampled_from(ORIGINS))
    kind = draw(st.sampled_from(["preflight", "actual", "no-origin"]))
    if kind == "no-origin":
        return request
    headers = [*request.headers, ("Origin", origin)]
    if kind == "actual":
        return dataclasses.replace(request, headers=tuple(headers))
    headers.append(("Access-Control-Request-Method", draw(st.sampled_from(["GET", "POST", "DELETE"]))))
    if draw(st.booleans()):
        asked = draw(st.sampled_from(["authorization", "x-api-key"]))
        headers.append(("Access-Control-Request-Headers", asked))
    return dataclasses.replace(request, method="OPTIONS", headers=tuple(headers), content_type=None, body=b"")
