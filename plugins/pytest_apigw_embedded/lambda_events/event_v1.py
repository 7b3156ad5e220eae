"""The payload format 1.0 event (REST-API-shaped, ``null`` for empty maps)."""

from __future__ import annotations

from typing import Any

from pytest_apigw_embedded.exchange.context import RequestContext
from pytest_apigw_embedded.exchange.request import GatewayRequest
from pytest_apigw_embedded.lambda_events.body import encode_body
from pytest_apigw_embedded.lambda_events.headers import forwarded_headers
from pytest_apigw_embedded.lambda_events.query import grouped, parse_query


def _identity(request: GatewayRequest) -> dict[str, Any]:
    keys = (
        "accessKey", "accountId", "caller", "cognitoAuthenticationProvider",
        "cognitoAuthenticationType", "cognitoIdentityId", "cognitoIdentityPoolId",
        "principalOrgId", "user", "userArn",
    )
    identity: dict[str, Any] = dict.fromkeys(keys)
    identity["sourceIp"] = request.source_ip
    identity["userAgent"] = request.header("user-agent") or ""
    return identity


def build_event_v1(request: GatewayRequest, ctx: RequestContext) -> dict[str, Any]:
    """``headers``/``queryStringParameters`` hold the last value, the ``multiValue*`` maps all."""
    multi_headers: dict[str, list[str]] = {}
    spelling: dict[str, str] = {}  # repeated names group case-insensitively, first spelling wins
    for name, value in forwarded_headers(request, ctx):
        multi_headers.setdefault(spelling.setdefault(name.lower(), name), []).append(value)
    query = grouped(parse_query(request.query_string))
    route = ctx.match.route.route_key
    resource = route.path if route.path is not None else "$default"
    body: str | None = None
    is_b64 = False
    if request.body:
        body, is_b64 = encode_body(request.body, request.header("content-type"))
    return {
        "version": "1.0",
        "resource": resource,
        # as the client sent it (``%20`` stays); ``requestContext.path`` and ``pathParameters``
        # are decoded (the recorded 1.0 event of aws-lambda-dotnet's test tool,
        # ``Amazon.Lambda.TestTool`` HTTP API v1 samples; the docs' sample has no encoded path)
        "path": request.raw_path,
        "httpMethod": request.method,
        "headers": {k: v[-1] for k, v in multi_headers.items()},
        "multiValueHeaders": multi_headers,
        "queryStringParameters": {k: v[-1] for k, v in query.items()} or None,
        "multiValueQueryStringParameters": query or None,
        "requestContext": {
            "accountId": ctx.account_id,
            "apiId": ctx.api_id,
            "domainName": ctx.domain_name,
            "domainPrefix": ctx.domain_prefix,
            "extendedRequestId": request.request_id,
            "httpMethod": request.method,
            "identity": _identity(request),
            "path": request.path,
            "protocol": request.protocol,
            "requestId": request.request_id,
            "requestTime": ctx.request_time,
            "requestTimeEpoch": request.time_epoch_ms,
            "resourceId": ctx.match.key,
            "resourcePath": resource,
            "stage": ctx.stage_name,
            **({"authorizer": ctx.authorizer} if getattr(ctx, "authorizer", None) else {}),
        },
        "pathParameters": dict(ctx.match.path_parameters) or None,
        "stageVariables": dict(ctx.stage_variables) or None,
        "body": body,
        "isBase64Encoded": is_b64,
    }
