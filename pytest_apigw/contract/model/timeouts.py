"""Integration timeouts of HTTP APIs: what the client gets when the integration is slower than
its timeout (``limits.md``: "maximum integration timeout 30 seconds", 50 ms at least).

- HTTP proxy: "If an integration request takes longer than your API Gateway ... maximum
  integration timeout parameter, API Gateway returns an HTTP 504 status code" (AWS knowledge
  center, "api-gateway-504-errors", for REST, HTTP and WebSocket APIs). The body is not
  documented for HTTP APIs: ``{"message":"Gateway Timeout"}`` or REST's
  ``{"message":"Endpoint request timed out"}`` are both accepted.
- Lambda proxy, the function's own timeout first: Lambda ends the invocation with "Task timed
  out after N seconds", a function error like an uncaught exception, and a Lambda integration
  whose function fails answers 500 ``{"message":"Internal Server Error"}``
  (``http-api-troubleshooting-lambda.md``: that answer, when the log shows "a problem with your
  Lambda function code").
- Lambda proxy, the integration's timeout first: 503 ``{"message":"Service Unavailable"}``
  (the project's reference, ``apigw-v2.md``: "integration timeout ... then 503").

A delay within :data:`MARGIN` of the limit may go either way (the time a request spends
around the handler is not the handler's); the generated delays stay out of that band.
"""

from __future__ import annotations

import json

from pytest_apigw.contract.model.expect import OneOf
from pytest_apigw.contract.model.lambda_response import INTERNAL_ERROR, ExpectedResponse, gateway_error

#: How the rule of a timeout answer starts (a backend's declared gap is matched on it).
TIMED_OUT = "timed out"
#: Seconds around a timeout in which either answer is right.
MARGIN = 0.3
GATEWAY_TIMEOUT = ExpectedResponse(504, {"content-type": "application/json"}, body=OneOf(tuple(
    json.dumps({"message": m}, separators=(",", ":")).encode()
    for m in ("Gateway Timeout", "Endpoint request timed out")), "undocumented for HTTP APIs"))
SERVICE_UNAVAILABLE = gateway_error(503, "Service Unavailable")


def http_timeout(integration_timeout: float, delay: float) -> tuple[ExpectedResponse | None, str]:
    """``(the gateway's answer or None: the upstream's, why)`` for an upstream answering after
    ``delay`` seconds."""
    if delay >= integration_timeout + MARGIN:
        why = f"{TIMED_OUT}: the upstream takes {delay} s, the integration waits {integration_timeout} s"
        return GATEWAY_TIMEOUT, why
    if delay + MARGIN <= integration_timeout:
        return None, f"the upstream answers within the integration's {integration_timeout} s"
    raise ValueError(f"delay {delay} s is within {MARGIN} s of the timeout {integration_timeout} s")


def lambda_timeout(integration_timeout: float, function_timeout: float, delay: float
                   ) -> tuple[ExpectedResponse | None, str]:
    """``(the gateway's answer or None: the function's, why)`` for a handler taking ``delay``."""
    limit = min(integration_timeout, function_timeout)
    if delay + MARGIN <= limit:
        return None, f"the function answers within {limit} s"
    if delay < limit + MARGIN:
        raise ValueError(f"delay {delay} s is within {MARGIN} s of the timeout {limit} s")
    if function_timeout < integration_timeout:
        return INTERNAL_ERROR, f"{TIMED_OUT}: the function's own timeout ({function_timeout} s) first"
    return SERVICE_UNAVAILABLE, f"{TIMED_OUT}: the integration's timeout ({integration_timeout} s) first"
