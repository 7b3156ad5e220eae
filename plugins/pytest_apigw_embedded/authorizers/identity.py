"""Identity sources: ``$request.header.X``, ``$request.querystring.X``, ``$context.X``,
``$stageVariables.X`` evaluated against one request (``http-api-lambda-authorizer.md``)."""

from __future__ import annotations

from typing import Any

from pytest_apigw_embedded.lambda_events.query import grouped, parse_query


def _context_value(name: str, request: Any, ctx: Any) -> str | None:
    values = {
        "routeKey": ctx.match.key, "stage": ctx.stage_name, "apiId": ctx.api_id,
        "requestId": request.request_id, "httpMethod": request.method, "path": request.path,
        "domainName": ctx.domain_name, "domainPrefix": ctx.domain_prefix,
        "accountId": ctx.account_id, "protocol": request.protocol,
        "identity.sourceIp": request.source_ip, "identity.userAgent": request.header("user-agent"),
    }
    return values.get(name)


def evaluate(source: str, request: Any, ctx: Any) -> str | None:
    """The value ``source`` selects, or ``None`` when the request does not carry it."""
    expr = source[1:]
    if expr.startswith("request.header."):
        value = request.header(expr[len("request.header."):].lower())
    elif expr.startswith("request.querystring."):
        found = grouped(parse_query(request.query_string)).get(expr[len("request.querystring."):])
        value = ",".join(found) if found else None
    elif expr.startswith("context."):
        value = _context_value(expr[len("context."):], request, ctx)
    else:
        value = ctx.stage_variables.get(expr[len("stageVariables."):])
    return value or None


def evaluate_all(sources: tuple[str, ...], request: Any, ctx: Any) -> tuple[list[str], str | None]:
    """``(values, missing)``: every source's value, or the first source the request lacks."""
    values: list[str] = []
    for source in sources:
        value = evaluate(source, request, ctx)
        if value is None:
            return values, source
        values.append(value)
    return values, None


def _lookup(data: Any, path: str) -> Any:
    for part in path.split("."):
        if not isinstance(data, dict):
            return None
        data = data.get(part)
    return data


def evaluate_websocket(source: str, event: dict[str, Any]) -> str | None:
    """A WebSocket identity source (``route.request.header.X``, ``route.request.querystring.X``,
    ``stageVariables.X``, ``context.X``) evaluated on the ``$connect`` event; headers match
    case-insensitively, repeated query keys give their comma-joined values."""
    if source.startswith("route.request.header."):
        wanted = source[len("route.request.header."):].lower()
        found = [", ".join(v) for k, v in (event.get("multiValueHeaders") or {}).items()
                 if k.lower() == wanted]
        value: Any = found[0] if found else None
    elif source.startswith("route.request.querystring."):
        found_q = (event.get("multiValueQueryStringParameters") or {}).get(
            source[len("route.request.querystring."):])
        value = ",".join(found_q) if found_q else None
    elif source.startswith("stageVariables."):
        value = (event.get("stageVariables") or {}).get(source[len("stageVariables."):])
    else:
        value = _lookup(event.get("requestContext") or {}, source[len("context."):])
    if value is None or isinstance(value, dict | list):
        return None
    return str(value) or None


def evaluate_all_websocket(sources: tuple[str, ...], event: dict[str, Any]) -> tuple[list[str], str | None]:
    """``(values, missing)`` for a WebSocket authorizer's sources on the ``$connect`` event."""
    values: list[str] = []
    for source in sources:
        value = evaluate_websocket(source, event)
        if value is None:
            return values, source
        values.append(value)
    return values, None
