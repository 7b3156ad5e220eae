"""The payload format 1.0 event (REST-API-shaped, ``null`` for empty maps).

Built in one pass over the request's headers (this runs for every 1.0 Lambda proxy request): the
rules are those of :func:`~pytest_apigw_embedded.lambda_events.headers.forwarded_headers`, grouped
case-insensitively under the client's first spelling, applied while ``headers`` and
``multiValueHeaders`` are filled. A request with a ``Connection`` header (rare: the names it lists
are dropped too) takes the general rules themselves. ``tests/embedded/test_lambda_event_v1.py``
compares the two over real sockets.
"""

from __future__ import annotations

from typing import Any

from pytest_apigw_embedded.aws import ACCOUNT_ID
from pytest_apigw_embedded.exchange.context import RequestContext, request_time
from pytest_apigw_embedded.exchange.request import GatewayRequest
from pytest_apigw_embedded.lambda_events.body import encode_body
from pytest_apigw_embedded.lambda_events.headers import ADDED, DROPPED, added_values, forwarded_headers
from pytest_apigw_embedded.lambda_events.query import grouped, parse_query

#: Client headers that do not go into the maps as they came: dropped ones (``Connection`` among
#: them) and ``X-Forwarded-For`` (the caller's IP appended).
_SPECIAL = DROPPED | {"x-forwarded-for"}


def group_headers(pairs: list[tuple[str, str]]) -> tuple[dict[str, str], dict[str, list[str]]]:
    """``(headers, multiValueHeaders)`` for ``pairs``: repeated names group case-insensitively
    under the first spelling; ``headers`` holds the last value."""
    multi: dict[str, list[str]] = {}
    spelling: dict[str, str] = {}
    for name, value in pairs:
        multi.setdefault(spelling.setdefault(name.lower(), name), []).append(value)
    return {k: v[-1] for k, v in multi.items()}, multi


def build_event_v1(request: GatewayRequest, ctx: RequestContext) -> dict[str, Any]:
    """``headers``/``queryStringParameters`` hold the last value, the ``multiValue*`` maps all."""
    headers: dict[str, str] = {}
    multi: dict[str, list[str]] = {}
    spelling: dict[str, str] = {}  # lower-case name → the client's first spelling
    forwarded_for = None
    connection = False
    spelled = request.header_names
    index = -1
    for name, value in request.headers:
        index += 1
        if name in _SPECIAL:
            if name == "x-forwarded-for":
                forwarded_for = value if forwarded_for is None else f"{forwarded_for}, {value}"
            elif name == "connection":
                connection = True
            continue
        first = spelling.get(name)
        if first is None:
            first = spelling[name] = spelled[index]
            multi[first] = [value]
        else:
            multi[first].append(value)
        headers[first] = value
    epoch_ms = request.time_epoch_ms
    ip = request.source_ip
    if connection:  # the names it lists are connection-specific too: the general rules
        headers, multi = group_headers(forwarded_headers(request, ctx))
    else:  # what API Gateway sets itself
        for added, value in zip(ADDED, added_values(request, forwarded_for), strict=True):
            headers[added] = value
            multi[added] = [value]
    query_string = request.query_string
    query = grouped(parse_query(query_string)) if query_string else None
    match = ctx.match
    route = match.route.route_key
    resource = route.path if route.path is not None else "$default"
    body: str | None = None
    is_b64 = False
    if request.body:
        body, is_b64 = encode_body(request.body, request.header("content-type"))
    method = request.method
    request_id = request.request_id
    domain_name, domain_prefix = ctx.domain()
    stage = ctx.stage
    context: dict[str, Any] = {
        "accountId": ACCOUNT_ID,
        "apiId": ctx.api_id,
        "domainName": domain_name,
        "domainPrefix": domain_prefix,
        "extendedRequestId": request_id,
        "httpMethod": method,
        "identity": {
            "accessKey": None, "accountId": None, "caller": None, "cognitoAuthenticationProvider": None,
            "cognitoAuthenticationType": None, "cognitoIdentityId": None, "cognitoIdentityPoolId": None,
            "principalOrgId": None, "user": None, "userArn": None,
            "sourceIp": ip,
            "userAgent": request.header("user-agent") or "",
        },
        "path": request.path,
        "protocol": request.protocol,
        "requestId": request_id,
        "requestTime": request_time(epoch_ms // 1000),
        "requestTimeEpoch": epoch_ms,
        "resourceId": match.key,
        "resourcePath": resource,
        "stage": stage.stage_name,
    }
    authorizer = ctx.authorizer
    if authorizer:
        context["authorizer"] = authorizer
    parameters = match.path_parameters
    variables = stage.stage_variables
    return {
        "version": "1.0",
        "resource": resource,
        # as the client sent it (``%20`` stays); ``requestContext.path`` and ``pathParameters``
        # are decoded (the recorded 1.0 event of aws-lambda-dotnet's test tool,
        # ``Amazon.Lambda.TestTool`` HTTP API v1 samples; the docs' sample has no encoded path)
        "path": request.raw_path,
        "httpMethod": method,
        "headers": headers,
        "multiValueHeaders": multi,
        "queryStringParameters": {k: v[-1] for k, v in query.items()} if query else None,
        "multiValueQueryStringParameters": query or None,
        "requestContext": context,
        "pathParameters": dict(parameters) if parameters else None,
        "stageVariables": dict(variables) if variables else None,
        "body": body,
        "isBase64Encoded": is_b64,
    }
