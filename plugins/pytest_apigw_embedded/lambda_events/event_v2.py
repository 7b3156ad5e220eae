"""The payload format 2.0 event (``http-api-develop-integrations-lambda.md``).

Built in one pass over the request's headers (this runs for every Lambda proxy request): the
rules are those of :func:`~pytest_apigw_embedded.lambda_events.headers.forwarded_headers`
(the general rules; payload 1.0 has a one-pass builder of its own too), applied while the
event's ``headers`` map is filled.
"""

from __future__ import annotations

from typing import Any

from pytest_apigw_embedded.aws import ACCOUNT_ID
from pytest_apigw_embedded.exchange.context import RequestContext, domain_of, request_time
from pytest_apigw_embedded.exchange.headers import listed_in_connection
from pytest_apigw_embedded.exchange.request import GatewayRequest
from pytest_apigw_embedded.lambda_events.body import encode_body
from pytest_apigw_embedded.lambda_events.headers import ADDED_LOWER, DROPPED, added_values
from pytest_apigw_embedded.lambda_events.query import grouped, parse_query

#: Client headers that do not go into ``headers`` as they came: dropped ones, ``Cookie`` (into
#: ``cookies``) and ``X-Forwarded-For`` (the caller's IP appended).
_SPECIAL = DROPPED | {"cookie", "x-forwarded-for"}


def build_event_v2(request: GatewayRequest, ctx: RequestContext) -> dict[str, Any]:
    """Headers lower-cased and comma-joined, ``Cookie`` split into ``cookies``, repeated query
    keys comma-joined; keys with nothing to carry are left out, as a recorded AWS event shows."""
    headers: dict[str, str] = {}
    cookies: list[str] = []
    forwarded_for = None
    connection = False
    for name, value in request.headers:
        if name in _SPECIAL:
            if name == "cookie":
                cookies.extend(c.strip() for c in value.split(";") if c.strip())
            elif name == "x-forwarded-for":
                forwarded_for = value if forwarded_for is None else f"{forwarded_for}, {value}"
            elif name == "connection":
                connection = True
            continue
        previous = headers.get(name)
        headers[name] = value if previous is None else f"{previous},{value}"
    if connection:  # the names it lists are connection-specific too: not passed on (rare)
        for name in listed_in_connection(request.headers):
            headers.pop(name, None)
            if name == "cookie":
                cookies = []
            elif name == "x-forwarded-for":
                forwarded_for = None
    epoch_ms = request.time_epoch_ms
    ip = request.source_ip
    # what API Gateway sets itself
    headers.update(zip(ADDED_LOWER, added_values(request, forwarded_for), strict=True))
    route_key = ctx.match.key
    stage = ctx.stage
    query_string = request.query_string
    path = request.path
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": route_key,
        "rawPath": path,
        "rawQueryString": query_string,
    }
    if cookies:
        event["cookies"] = cookies
    event["headers"] = headers
    if query_string:
        query = grouped(parse_query(query_string))
        if query:
            event["queryStringParameters"] = {k: ",".join(v) for k, v in query.items()}
    # the Host header is in ``headers`` unless ``Connection`` named it (then ask the request)
    domain_name, domain_prefix = ctx.domain() if connection else domain_of(headers.get("host"), ctx.api_id)
    context: dict[str, Any] = {
        "accountId": ACCOUNT_ID,
        "apiId": ctx.api_id,
        "domainName": domain_name,
        "domainPrefix": domain_prefix,
        "http": {
            "method": request.method,
            "path": path,
            "protocol": request.protocol,
            "sourceIp": ip,
            "userAgent": headers.get("user-agent", ""),
        },
        "requestId": request.request_id,
        "routeKey": route_key,
        "stage": stage.stage_name,
        "time": request_time(epoch_ms // 1000),
        "timeEpoch": epoch_ms,
    }
    event["requestContext"] = context
    authorizer = ctx.authorizer
    if authorizer:
        context["authorizer"] = authorizer
    body = request.body
    if body:
        event["body"], event["isBase64Encoded"] = encode_body(body, headers.get("content-type"))
    else:
        event["isBase64Encoded"] = False
    parameters = ctx.match.path_parameters
    if parameters:
        event["pathParameters"] = dict(parameters)
    variables = stage.stage_variables
    if variables:
        event["stageVariables"] = dict(variables)
    return event
