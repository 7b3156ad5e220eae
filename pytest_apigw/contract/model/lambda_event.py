"""The event a Lambda proxy integration receives, per payload format version
(``http-api-develop-integrations-lambda.md``, "Payload format version"; the recorded AWS event
``aws-lambda-go`` ``events/testdata/apigw-v2-request-no-authorizer.json`` for what is left out
when empty and which headers the gateway adds).
"""

from __future__ import annotations

from typing import Any

from pytest_apigw.contract.model.encoding import HOP_BY_HOP, decoded_path, event_body, grouped, parse_query
from pytest_apigw.contract.model.expect import ABSENT, PRESENT, UNSPECIFIED
from pytest_apigw.strategies.wire import HttpRequest

#: Headers the gateway adds (values differ per backend: only their presence is predicted).
ADDED_HEADERS = ("x-amzn-trace-id", "x-forwarded-for", "x-forwarded-port", "x-forwarded-proto")


def _client_headers(request: HttpRequest, host: str) -> list[tuple[str, str]]:
    """The client's headers as an event carries them: connection-specific ones (RFC 9110
    §7.6.1) never pass a proxy, and AWS's recorded events (aws-lambda-go
    ``events/testdata/apigw-v2-request*.json``) carry none."""
    pairs = [("host", host)] + [(k.lower(), v) for k, v in request.wire_headers()]
    named = {t.strip().lower() for k, v in pairs if k == "connection" for t in v.split(",")}
    return [(k, v) for k, v in pairs if k not in HOP_BY_HOP and k not in named]


def event_v2(
    request: HttpRequest, *, route_key: str, stage: str, path_params: dict[str, str],
    stage_variables: dict[str, str], host: str, api_id: str | None,
) -> dict[str, Any]:
    """Format 2.0: lower-case headers, duplicates "combined with commas", ``Cookie`` headers
    moved to ``cookies`` (one entry per cookie), empty parts left out."""
    headers: dict[str, Any] = {}
    cookies: list[str] = []
    for name, value in _client_headers(request, host):
        if name == "cookie":
            cookies += [c.strip() for c in value.split(";") if c.strip()]
        else:
            headers[name] = f"{headers[name]},{value}" if name in headers else value
    headers["content-length"] = str(len(request.body))
    headers["cookie"] = ABSENT
    headers.update(dict.fromkeys(ADDED_HEADERS, PRESENT))
    query = grouped(parse_query(request.query_string))
    path = decoded_path(request.path)
    body, b64 = event_body(request.body, request.content_type) if request.body else (ABSENT, False)
    return {
        "version": "2.0",
        "routeKey": route_key,
        "rawPath": path,
        "rawQueryString": request.query_string,
        "cookies": cookies or ABSENT,
        "headers": headers,
        "queryStringParameters": {k: ",".join(v) for k, v in query.items()} or ABSENT,
        "pathParameters": dict(path_params) or ABSENT,
        "stageVariables": dict(stage_variables) or ABSENT,
        "body": body,
        "isBase64Encoded": b64,
        "requestContext": {
            "accountId": PRESENT,
            "apiId": api_id if api_id is not None else PRESENT,
            "domainName": host,
            "domainPrefix": PRESENT,
            "http": {
                "method": request.method,
                "path": path,
                "protocol": "HTTP/1.1",
                "sourceIp": PRESENT,
                "userAgent": headers.get("user-agent", UNSPECIFIED),
            },
            "requestId": PRESENT,
            "routeKey": route_key,
            "stage": stage,
            "time": PRESENT,
            "timeEpoch": PRESENT,
        },
    }


def event_v1(
    request: HttpRequest, *, route_key: str, stage: str, path_params: dict[str, str],
    stage_variables: dict[str, str], host: str, api_id: str | None,
) -> dict[str, Any]:
    """Format 1.0: ``headers``/``queryStringParameters`` hold the last value, ``multiValue*``
    every value, empty maps are ``null``. Header names are compared case-insensitively (AWS
    keeps some client spellings in 1.0; see :func:`lower_header_names`)."""
    multi: dict[str, list[str]] = {}
    for name, value in _client_headers(request, host):
        multi.setdefault(name, []).append(value)
    multi["content-length"] = [str(len(request.body))]
    query = grouped(parse_query(request.query_string))
    path = decoded_path(request.path)
    resource = route_key.partition(" ")[2] if route_key != "$default" else UNSPECIFIED
    body, b64 = event_body(request.body, request.content_type) if request.body else (None, False)
    headers: dict[str, Any] = {k: v[-1] for k, v in multi.items()}
    headers.update(dict.fromkeys(ADDED_HEADERS, PRESENT))
    return {
        "version": "1.0",
        "resource": resource,
        # as sent (recorded: aws-lambda-dotnet's test tool samples); the context's is decoded
        "path": request.path,
        "httpMethod": request.method,
        "headers": headers,
        "multiValueHeaders": {**multi, **dict.fromkeys(ADDED_HEADERS, PRESENT)},
        "queryStringParameters": {k: v[-1] for k, v in query.items()} or None,
        "multiValueQueryStringParameters": query or None,
        "pathParameters": dict(path_params) or None,
        "stageVariables": dict(stage_variables) or None,
        "body": body,
        "isBase64Encoded": b64,
        "requestContext": {
            "accountId": PRESENT,
            "apiId": api_id if api_id is not None else PRESENT,
            "domainName": host,
            "httpMethod": request.method,
            "path": path,
            "protocol": "HTTP/1.1",
            "requestId": PRESENT,
            "requestTimeEpoch": PRESENT,
            "resourcePath": resource,
            "stage": stage,
            "identity": {"sourceIp": PRESENT},
        },
    }


def lower_header_names(event: dict[str, Any]) -> dict[str, Any]:
    """A copy of a 1.0 event with header names lower-cased (values of repeats kept in order)."""
    out = dict(event)
    for key in ("headers", "multiValueHeaders"):
        if isinstance(event.get(key), dict):
            merged: dict[str, Any] = {}
            for name, value in event[key].items():
                low = name.lower()
                if key == "multiValueHeaders" and low in merged:
                    merged[low] = merged[low] + value
                else:
                    merged[low] = value
            out[key] = merged
    return out
