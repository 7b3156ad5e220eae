"""The payload format 2.0 event (``http-api-develop-integrations-lambda.md``)."""

from __future__ import annotations

from typing import Any

from pytest_apigw_embedded.exchange.context import RequestContext, request_time
from pytest_apigw_embedded.exchange.request import GatewayRequest
from pytest_apigw_embedded.lambda_events.body import encode_body
from pytest_apigw_embedded.lambda_events.headers import forwarded_headers
from pytest_apigw_embedded.lambda_events.query import grouped, parse_query


def build_event_v2(request: GatewayRequest, ctx: RequestContext) -> dict[str, Any]:
    """Headers lower-cased and comma-joined, ``Cookie`` split into ``cookies``, repeated query
    keys comma-joined; keys with nothing to carry are left out, as a recorded AWS event shows."""
    headers: dict[str, str] = {}
    cookies: list[str] = []
    for name, value in forwarded_headers(request, ctx, lower=True):
        if name == "cookie":
            cookies.extend(c.strip() for c in value.split(";") if c.strip())
        elif name in headers:
            headers[name] = f"{headers[name]},{value}"
        else:
            headers[name] = value
    route_key = ctx.match.key
    stage = ctx.stage
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": route_key,
        "rawPath": request.path,
        "rawQueryString": request.query_string,
    }
    if cookies:
        event["cookies"] = cookies
    event["headers"] = headers
    query = grouped(parse_query(request.query_string)) if request.query_string else None
    if query:
        event["queryStringParameters"] = {k: ",".join(v) for k, v in query.items()}
    event["requestContext"] = {
        "accountId": ctx.account_id,
        "apiId": ctx.api_id,
        "domainName": ctx.domain_name,
        "domainPrefix": ctx.domain_prefix,
        "http": {
            "method": request.method,
            "path": request.path,
            "protocol": request.protocol,
            "sourceIp": request.source_ip,
            "userAgent": headers.get("user-agent", ""),
        },
        "requestId": request.request_id,
        "routeKey": route_key,
        "stage": stage.stage_name,
        "time": request_time(request.time_epoch_ms // 1000),
        "timeEpoch": request.time_epoch_ms,
    }
    authorizer = ctx.authorizer
    if authorizer:
        event["requestContext"]["authorizer"] = authorizer
    if request.body:
        event["body"], event["isBase64Encoded"] = encode_body(request.body, headers.get("content-type"))
    else:
        event["isBase64Encoded"] = False
    if ctx.match.path_parameters:
        event["pathParameters"] = dict(ctx.match.path_parameters)
    if stage.stage_variables:
        event["stageVariables"] = dict(stage.stage_variables)
    return event
