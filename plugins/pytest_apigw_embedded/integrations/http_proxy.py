"""``HttpProxyIntegration``: the request forwarded to a public URL, the answer relayed.

- The URL may hold ``${stageVariables.name}`` and ``{param}`` path parameters (``{proxy}`` or
  ``{proxy+}`` for a greedy route), substituted per request, values URL-encoded.
- The client's query string is appended to the URL's own.
- On the ``$default`` route the full request path is appended to the URL's path. Undocumented
  choice (one line to change, ``_full_path``): "full" includes a named stage's segment, as for
  private integrations.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from pytest_apigw.spec import HttpProxyIntegration
from pytest_apigw_embedded.exchange.context import RequestContext
from pytest_apigw_embedded.exchange.request import GatewayRequest
from pytest_apigw_embedded.exchange.responses import GatewayResponse
from pytest_apigw_embedded.integrations import Integration
from pytest_apigw_embedded.integrations.upstream.outgoing import quote_path
from pytest_apigw_embedded.integrations.upstream.pipeline import Pipeline

_VARIABLE = re.compile(r"\$\{stageVariables\.([A-Za-z0-9_]+)\}|\{([A-Za-z0-9_.\-]+?)(\+?)\}")
_DEFAULT_PORTS = {"http": 80, "https": 443}


def render_url(template: str, ctx: RequestContext) -> str:
    """``template`` with stage variables and path parameters filled in."""
    params = ctx.match.path_parameters

    def fill(match: re.Match[str]) -> str:
        if match.group(1) is not None:
            return ctx.stage_variables.get(match.group(1), "")
        value = params.get(match.group(2), "")
        greedy = match.group(3) or match.group(2) == "proxy"
        return quote_path(value) if greedy else quote_path(value).replace("/", "%2F")

    return _VARIABLE.sub(fill, template) if "{" in template else template


def _full_path(request: GatewayRequest) -> str:
    return request.raw_path  # stage segment included; request.stage_path would drop it


def _origin(url: str) -> tuple[str, str, str, int, str] | None:
    """``(scheme, netloc, hostname, port, rest)`` of ``url`` when its scheme and authority hold no
    variable (the usual case: parsed once, only ``rest``, the path and query, per request)."""
    parts = urlsplit(url)
    origin = f"{parts.scheme}://{parts.netloc}"
    if "{" in origin or not url.startswith(origin):
        return None
    return parts.scheme, parts.netloc, parts.hostname or "", parts.port or _DEFAULT_PORTS[parts.scheme], \
        url[len(origin):]


def build(spec: HttpProxyIntegration, services: Any) -> Integration:
    """Parse what can be parsed now; the rest (variables) per request."""
    pipeline = Pipeline(spec, services)
    origin = _origin(spec.url)

    async def integrate(request: GatewayRequest, ctx: RequestContext) -> GatewayResponse:
        if origin is not None:
            scheme, netloc, hostname, port, rest = origin
            path, _, url_query = render_url(rest, ctx).partition("#")[0].partition("?")
        else:
            parts = urlsplit(render_url(spec.url, ctx))
            scheme, netloc, hostname, path, url_query = (
                parts.scheme, parts.netloc, parts.hostname or "", parts.path, parts.query)
            port = parts.port or _DEFAULT_PORTS[parts.scheme]
        path = path or "/"
        if ctx.match.route.route_key.is_default:
            path = path.rstrip("/") + _full_path(request)
        query = f"{url_query}&{request.query_string}" if url_query and request.query_string \
            else url_query or request.query_string
        return await pipeline.send(
            request, ctx, path=path, query=query, endpoints=[(hostname, port)], scheme=scheme,
            host=netloc,
        )

    return integrate
