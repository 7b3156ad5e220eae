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
from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from pytest_apigw.spec import HttpProxyIntegration
from pytest_apigw_embedded.exchange.context import RequestContext
from pytest_apigw_embedded.exchange.request import GatewayRequest
from pytest_apigw_embedded.exchange.responses import GatewayResponse
from pytest_apigw_embedded.integrations import Integration
from pytest_apigw_embedded.integrations.upstream.outgoing import quote_path
from pytest_apigw_embedded.integrations.upstream.pipeline import Pipeline

if TYPE_CHECKING:
    from pytest_apigw_embedded.services import Services

_VARIABLE = re.compile(r"\$\{stageVariables\.([A-Za-z0-9_]+)\}|\{([A-Za-z0-9_.\-]+?)(\+?)\}")
_DEFAULT_PORTS = {"http": 80, "https": 443}
_SLASH = "%2F"
#: A URL template filled in for a request.
Render = Callable[[RequestContext], str]


def compile_url(template: str) -> Render:
    """The function filling ``template``'s stage variables and (URL-encoded) path parameters in
    for a request; the template is split here, at deploy: per request only the values are looked
    up, and a template without variables is returned as it is."""
    pieces, variables, tail = parse_url(template)
    if not variables:
        return lambda ctx: template
    if len(variables) == 1:
        return _one_variable(pieces[0], *variables[0], tail)
    return _general(pieces, variables, tail)


def parse_url(template: str) -> tuple[list[str], list[tuple[bool, str, bool]], str]:
    """``template`` split: the text before each variable, the variables (stage variable or
    not, name, greedy) and the text after the last one."""
    pieces: list[str] = []
    variables: list[tuple[bool, str, bool]] = []
    end = 0
    for match in _VARIABLE.finditer(template) if "{" in template else ():
        pieces.append(template[end:match.start()])
        stage, name = match.group(1) is not None, match.group(1) or match.group(2)
        variables.append((stage, name, not stage and bool(match.group(3) or name == "proxy")))
        end = match.end()
    return pieces, variables, template[end:]


def _one_variable(head: str, stage: bool, name: str, greedy: bool, tail: str) -> Render:
    """:func:`_general` for a template with one variable (``https://host/{proxy}``, the usual
    case): one f-string per request."""
    if stage:
        return lambda ctx: f"{head}{ctx.stage_variables.get(name, '')}{tail}"
    if greedy:
        return lambda ctx: f"{head}{quote_path(ctx.match.path_parameters.get(name, ''))}{tail}"
    return lambda ctx: \
        f"{head}{quote_path(ctx.match.path_parameters.get(name, '')).replace('/', _SLASH)}{tail}"


def _general(pieces: list[str], variables: list[tuple[bool, str, bool]], tail: str) -> Render:
    """The render of any template: ``pieces[i]`` then variable ``i``'s value, ..., then ``tail``."""

    def render(ctx: RequestContext) -> str:
        params = ctx.match.path_parameters
        out = []
        for piece, (stage, name, greedy) in zip(pieces, variables, strict=True):
            out.append(piece)
            if stage:
                out.append(ctx.stage_variables.get(name, ""))
            elif greedy:
                out.append(quote_path(params.get(name, "")))
            else:
                out.append(quote_path(params.get(name, "")).replace("/", _SLASH))
        out.append(tail)
        return "".join(out)

    return render


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


def build(spec: HttpProxyIntegration, services: Services) -> Integration:
    """Parse what can be parsed now; the rest (variables) per request."""
    pipeline = Pipeline(spec, services)
    origin = _origin(spec.url)
    render = compile_url(origin[4] if origin is not None else spec.url)

    def integrate(request: GatewayRequest, ctx: RequestContext) -> Coroutine[Any, Any, GatewayResponse]:
        if origin is not None:
            scheme, netloc, hostname, port, _ = origin
            path, _, url_query = render(ctx).partition("#")[0].partition("?")
        else:
            parts = urlsplit(render(ctx))
            scheme, netloc, hostname, path, url_query = (
                parts.scheme, parts.netloc, parts.hostname or "", parts.path, parts.query)
            port = parts.port or _DEFAULT_PORTS[parts.scheme]
        path = path or "/"
        if ctx.match.route.route_key.is_default:
            path = path.rstrip("/") + _full_path(request)
        query = f"{url_query}&{request.query_string}" if url_query and request.query_string \
            else url_query or request.query_string
        return pipeline.send(  # the request's coroutine, awaited by the gateway (no wrapper)
            request, ctx, path=path, query=query, endpoints=[(hostname, port)], scheme=scheme,
            host=netloc,
        )

    return integrate
