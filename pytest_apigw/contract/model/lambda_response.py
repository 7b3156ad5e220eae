"""The client's response for what a Lambda function returns
(``http-api-develop-integrations-lambda.md``, "Lambda function response format").

2.0: valid JSON without ``statusCode`` is a 200 ``application/json`` response whose body is
"the function's response"; with ``statusCode`` the function's ``headers``, ``cookies`` (each a
``set-cookie`` header), ``isBase64Encoded`` and ``body`` are used. 1.0: the function "must
return" ``statusCode`` (else 500, ``http-api-troubleshooting-lambda.md``), ``headers`` and
``multiValueHeaders`` are both honoured.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from typing import Any

from pytest_apigw.contract.model.expect import OneOf


@dataclass
class ExpectedResponse:
    """Status, headers that must be there (name → value or :class:`OneOf`), the
    ``set-cookie`` values in order, and the body (bytes or :class:`OneOf`)."""

    status: int
    headers: dict[str, Any] = field(default_factory=dict)
    set_cookies: list[str] | None = None
    body: Any = b""

    def as_dict(self) -> dict[str, Any]:
        """The shape :func:`~pytest_apigw.contract.model.expect.compare` reads."""
        out: dict[str, Any] = {"status": self.status, "headers": self.headers, "body": self.body}
        if self.set_cookies is not None:
            out["set-cookie"] = self.set_cookies
        return out


def gateway_error(status: int, message: str) -> ExpectedResponse:
    """AWS's own error answers: ``{"message":"Not Found"}`` and friends."""
    body = json.dumps({"message": message}, separators=(",", ":")).encode()
    return ExpectedResponse(status, {"content-type": "application/json"}, body=body)


NOT_FOUND = gateway_error(404, "Not Found")
INTERNAL_ERROR = gateway_error(500, "Internal Server Error")


def _body(result: dict[str, Any]) -> bytes:
    body = result.get("body") or ""
    return base64.b64decode(body) if result.get("isBase64Encoded") else body.encode("utf-8")


def _headers(result: dict[str, Any]) -> dict[str, str]:
    return {str(k).lower(): v for k, v in (result.get("headers") or {}).items()}


def response_v2(result: Any) -> ExpectedResponse:
    """For a well-formed 2.0 result (``statusCode`` an int, string ``headers``/``body``)."""
    if isinstance(result, dict) and "statusCode" in result:
        cookies = list(result.get("cookies") or [])
        return ExpectedResponse(int(result["statusCode"]), _headers(result), cookies, _body(result))
    text = json.dumps(result).encode()
    if isinstance(result, str):
        # The docs' table shows "Hello from Lambda!" becoming body "Hello from Lambda!": read
        # as the bare text or as the JSON string; both readings are accepted.
        body: Any = OneOf((text, result.encode()), "docs' table is ambiguous")
    else:
        body = text
    return ExpectedResponse(200, {"content-type": "application/json"}, None, body)


#: What a response without a content type gets (undocumented; recorded on HTTP APIs for 1.0 and
#: 2.0: awslabs/aws-lambda-go-api-proxy#116).
TEXT_PLAIN = "text/plain; charset=utf-8"


def response_v1(result: Any) -> ExpectedResponse:
    """For a 1.0 result: ``statusCode`` required; a name in both ``headers`` and
    ``multiValueHeaders`` carries every value, the single one first (recorded on HTTP APIs);
    no content type → ``text/plain; charset=utf-8``."""
    if not (isinstance(result, dict) and isinstance(result.get("statusCode"), int)):
        return INTERNAL_ERROR
    headers = _headers(result)
    for name, values in (result.get("multiValueHeaders") or {}).items():
        key = str(name).lower()
        every = ([headers[key]] if key in headers else []) + [str(v) for v in values]
        headers[key] = ",".join(every)
    headers.setdefault("content-type", TEXT_PLAIN)
    return ExpectedResponse(result["statusCode"], headers, None, _body(result))
