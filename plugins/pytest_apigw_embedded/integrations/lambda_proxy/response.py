"""Map a Lambda result to the client's response, per payload format version.

2.0: a dict with ``statusCode`` is used as given (``headers``, ``cookies`` → one ``set-cookie``
each, ``isBase64Encoded``); any other JSON value is a 200 ``application/json`` whose body is the
JSON text (a string: the string itself). 1.0: ``statusCode`` is required. Anything malformed
raises :class:`MalformedResponse` (the gateway answers 500).
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from pytest_apigw_embedded.exchange.responses import GatewayResponse

# Undocumented; seen on AWS: a response with no content-type header gets this one, for payload
# 2.0 and 1.0 alike (HTTP APIs serving 1.0 JSON bodies as text/plain: awslabs/
# aws-lambda-go-api-proxy#116, rackspace/sailplane#138). The docs say nothing for 1.0; the
# recordings win.
DEFAULT_CONTENT_TYPE = "text/plain; charset=utf-8"


class MalformedResponse(ValueError):
    """The function's result cannot be turned into an HTTP response (AWS answers 500)."""


def _status(value: Any) -> int:
    try:
        status = int(value)
    except (TypeError, ValueError):
        raise MalformedResponse(f"statusCode {value!r} is not an integer") from None
    if isinstance(value, bool) or not 100 <= status <= 599:
        raise MalformedResponse(f"statusCode {value!r} is not an HTTP status")
    return status


def _body(result: dict[str, Any]) -> bytes:
    body = result.get("body")
    if body is None:
        return b""
    if not isinstance(body, str):
        raise MalformedResponse(f"body must be a string, got {type(body).__name__}")
    if result.get("isBase64Encoded"):
        try:
            return base64.b64decode(body, validate=True)
        except (binascii.Error, ValueError):
            raise MalformedResponse("isBase64Encoded is true but body is not base64") from None
    return body.encode("utf-8")


def _header_pairs(headers: Any, name: str) -> list[tuple[str, str]]:
    if headers is None:
        return []
    if not isinstance(headers, dict):
        raise MalformedResponse(f"{name} must be an object, got {type(headers).__name__}")
    pairs = []  # a loop, not a comprehension: cheaper for the one or two headers most results carry
    for k, v in headers.items():
        name = k.lower() if type(k) is str else str(k).lower()
        pairs.append((name, v if isinstance(v, str) else json.dumps(v)))
    return pairs


def _json_text(result: Any) -> bytes:
    # The docs' table (http-api-develop-integrations-lambda.md): a function returning the
    # string "Hello from Lambda!" gives the body Hello from Lambda! (no JSON quotes).
    if isinstance(result, str):
        return result.encode("utf-8")
    try:
        return json.dumps(result).encode("utf-8")
    except (TypeError, ValueError) as exc:
        raise MalformedResponse(f"the result is not JSON-serialisable: {exc}") from None


def map_response_v2(result: Any) -> GatewayResponse:
    """The client's response for a 2.0 integration result."""
    if not (isinstance(result, dict) and "statusCode" in result):
        return GatewayResponse(200, [("content-type", "application/json")], _json_text(result))
    headers = _header_pairs(result.get("headers"), "headers")
    cookies = result.get("cookies")
    if cookies:  # most results carry none: no checks, no generator
        if not isinstance(cookies, list) or not all(isinstance(c, str) for c in cookies):
            raise MalformedResponse("cookies must be a list of strings")
        headers.extend(("set-cookie", cookie) for cookie in cookies)
    for name, _ in headers:
        if name == "content-type":
            break
    else:
        headers.append(("content-type", DEFAULT_CONTENT_TYPE))
    status = result["statusCode"]
    if type(status) is not int or not 100 <= status <= 599:  # the usual case needs no more checks
        status = _status(status)
    body = result.get("body")
    if type(body) is str and not result.get("isBase64Encoded"):  # likewise
        return GatewayResponse(status, headers, body.encode("utf-8"))
    return GatewayResponse(status, headers, _body(result))


def map_response_v1(result: Any) -> GatewayResponse:
    """The client's response for a 1.0 integration result (``statusCode`` required).

    The usual result (an ``int`` status, a ``str`` body not base64, ``headers`` with string names
    and values or none, no ``multiValueHeaders``) is mapped here with no further checks; any other
    goes through :func:`map_response_v1_general`, which gives the same answer for the usual one
    (``tests/embedded/test_lambda_event_v1.py`` compares them)."""
    if result.__class__ is dict:
        status = result.get("statusCode")
        body = result.get("body")
        headers = result.get("headers")
        if (status.__class__ is int and 100 <= status <= 599 and body.__class__ is str
                and (headers is None or headers.__class__ is dict)
                and not result.get("multiValueHeaders") and not result.get("isBase64Encoded")):
            pairs = []
            typed = False
            for name, value in (headers or {}).items():
                if name.__class__ is not str or value.__class__ is not str:
                    break
                name = name.lower()
                if name == "content-type":
                    typed = True
                pairs.append((name, value))
            else:
                if not typed:
                    pairs.append(("content-type", DEFAULT_CONTENT_TYPE))
                return GatewayResponse(status, pairs, body.encode("utf-8"))
    return map_response_v1_general(result)


def map_response_v1_general(result: Any) -> GatewayResponse:
    """:func:`map_response_v1` for any result: a name in both ``headers`` and
    ``multiValueHeaders`` is sent with every value, the single one first (AWS's HTTP API; REST
    APIs keep only the list)."""
    if not (isinstance(result, dict) and "statusCode" in result):
        raise MalformedResponse("a payload 1.0 response must be an object with statusCode")
    pairs = _header_pairs(result.get("headers"), "headers")
    multi = result.get("multiValueHeaders") or {}
    if not isinstance(multi, dict):
        raise MalformedResponse("multiValueHeaders must be an object")
    for name, values in multi.items():
        if not isinstance(values, list):
            raise MalformedResponse(f"multiValueHeaders[{name!r}] must be a list")
        pairs.extend((str(name).lower(), str(v)) for v in values)
    if not any(name == "content-type" for name, _ in pairs):
        pairs.append(("content-type", DEFAULT_CONTENT_TYPE))
    return GatewayResponse(_status(result["statusCode"]), pairs, _body(result))
