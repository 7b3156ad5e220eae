"""Parameter mapping at run time (``http-api-parameter-mapping.md``).

Every value is evaluated against the original request (and, for response mappings, the
upstream's response) before any change is applied. Undocumented choices, one line each to change:
a value that is a single selector naming something absent (``$request.header.missing``) skips
that mapping; inside ``${...}`` templates an absent selector is empty text; ``append`` on a
header that exists joins the values with a comma.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl, unquote

from pytest_apigw_embedded.exchange.context import RequestContext
from pytest_apigw_embedded.exchange.responses import GatewayResponse
from pytest_apigw_embedded.integrations.upstream.outgoing import Outgoing, quote_path

_TEMPLATE = re.compile(r"\$\{([^}]*)\}")
_SELECTOR = re.compile(r"^\$(request|response|context|stageVariables)\.")
_JSON_TOKEN = re.compile(r"([^.\[\]]+)|\[(\d+)\]")
_MISSING = object()


def json_path(document: Any, path: str) -> Any:
    """``a.b[0].c`` into parsed JSON (``$`` or empty: the whole document); ``_MISSING`` if absent."""
    node = document
    for name, index in _JSON_TOKEN.findall(path.removeprefix("$").lstrip(".")):
        if index:
            if not isinstance(node, list) or int(index) >= len(node):
                return _MISSING
            node = node[int(index)]
        elif isinstance(node, dict) and name in node:
            node = node[name]
        else:
            return _MISSING
    return node


def _text(value: Any) -> Any:
    if value is _MISSING or value is None:
        return _MISSING
    return value if isinstance(value, str) else json.dumps(value, separators=(",", ":"))


def _parse_json(body: bytes) -> Any:
    try:
        return json.loads(body) if body else _MISSING
    except ValueError:
        return _MISSING


def context_variables(ctx: RequestContext) -> dict[str, str]:
    """The ``$context.*`` variables an HTTP API exposes to mappings."""
    request = ctx.request
    return {
        "accountId": ctx.account_id, "apiId": ctx.api_id, "domainName": ctx.domain_name,
        "domainPrefix": ctx.domain_prefix, "httpMethod": request.method, "path": request.raw_path,
        "protocol": request.protocol, "requestId": request.request_id, "routeKey": ctx.match.key,
        "stage": ctx.stage_name, "requestTime": ctx.request_time,
        "requestTimeEpoch": str(request.time_epoch_ms), "identity.sourceIp": request.source_ip,
        "identity.userAgent": request.header("user-agent") or "",
    }


class Selectors:
    """Resolves ``request.*``/``response.*``/``context.*``/``stageVariables.*`` selectors."""

    def __init__(self, ctx: RequestContext, response: GatewayResponse | None = None) -> None:
        self.ctx = ctx
        self.response = response
        self._request_json: Any = None
        self._response_json: Any = None

    def resolve(self, selector: str) -> Any:
        kind, _, rest = selector.partition(".")
        if kind == "request":
            return self._request(rest)
        if kind == "response" and self.response is not None:
            where, _, name = rest.partition(".")
            if where == "header":
                values = [v for k, v in self.response.headers if k == name.lower()]
                return ",".join(values) if values else _MISSING
            if where == "body":
                if self._response_json is None:
                    self._response_json = _parse_json(self.response.body)
                return _text(json_path(self._response_json, name))
        if kind == "context":
            return context_variables(self.ctx).get(rest, _MISSING)
        if kind == "stageVariables":
            return self.ctx.stage_variables.get(rest, _MISSING)
        return _MISSING

    def _request(self, rest: str) -> Any:
        request = self.ctx.request
        where, _, name = rest.partition(".")
        if where == "header":
            value = request.header(name.lower())
            return _MISSING if value is None else value
        if where == "querystring":
            values = [v for k, v in parse_qsl(request.query_string, keep_blank_values=True) if k == name]
            return ",".join(values) if values else _MISSING
        if where == "body":
            if self._request_json is None:
                self._request_json = _parse_json(request.body)
            return _text(json_path(self._request_json, name))
        if where == "path":
            if not name:  # the decoded path without the stage segment
                return unquote(request.stage_path)
            return self.ctx.match.path_parameters.get(name, _MISSING)
        return _MISSING

    def evaluate(self, value: str) -> str | None:
        """A mapping value as text; ``None`` when it is one selector naming nothing."""
        if "${" in value:
            return _TEMPLATE.sub(lambda m: _or_empty(self.resolve(m.group(1))), value)
        if _SELECTOR.match(value):
            found = self.resolve(value[1:])
            return None if found is _MISSING else found
        return "" if value == "''" else value


def _or_empty(value: Any) -> str:
    return "" if value is _MISSING else value


def _op(key: str) -> tuple[str, str, str]:
    action, _, target = key.partition(":")
    kind, _, name = target.partition(".")
    return action, kind, name.lower() if kind == "header" else name


def apply_request(mappings: dict[str, str], out: Outgoing, ctx: RequestContext) -> None:
    """Apply request parameter mapping to ``out``."""
    selectors = Selectors(ctx)
    values = {key: selectors.evaluate(value) for key, value in mappings.items()}
    for key, value in values.items():
        action, kind, name = _op(key)
        if action != "remove" and value is None:
            continue
        setter: Callable[..., None] = out.set_header if kind == "header" else out.set_query
        if kind == "path":
            # $request.path is the decoded, stage-less path; put it back on the wire encoded.
            out.path = quote_path(value if value.startswith("/") else "/" + value)
        elif action == "remove":
            setter(name, None)
        else:
            setter(name, value, append=action == "append")


def apply_response(
    per_status: dict[int, dict[str, str]], response: GatewayResponse, ctx: RequestContext
) -> GatewayResponse:
    """Apply the response mapping configured for the upstream's status code, if any."""
    mappings = per_status.get(response.status)
    if not mappings:
        return response
    selectors = Selectors(ctx, response)
    values = {key: selectors.evaluate(value) for key, value in mappings.items()}
    headers = list(response.headers)
    status = response.status
    for key, value in values.items():
        action, kind, name = _op(key)
        if kind == "statuscode":
            if value is not None and value.isdigit() and 100 <= int(value) <= 599:
                status = int(value)
            continue
        if action != "remove" and value is None:
            continue
        old = [v for k, v in headers if k == name]
        headers = [(k, v) for k, v in headers if k != name]
        if action == "append" and value is not None:
            headers.append((name, ",".join([*old, value]) if old else value))
        elif action == "overwrite" and value is not None:
            headers.append((name, value))
    return GatewayResponse(status, headers, response.body)
