"""Lambda proxy integration: request → 1.0/2.0 event → handler → mapped response."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pytest_apigw.spec import LambdaProxyIntegration
from pytest_apigw_embedded.exchange import responses
from pytest_apigw_embedded.exchange.context import RequestContext
from pytest_apigw_embedded.exchange.limits import (
    MAX_LAMBDA_REQUEST,
    MAX_LAMBDA_RESPONSE,
    SMALL_LAMBDA_BODY,
    SMALL_LAMBDA_RESPONSE_BODY,
    lambda_request_size,
    lambda_response_size,
)
from pytest_apigw_embedded.exchange.request import GatewayRequest
from pytest_apigw_embedded.exchange.responses import GatewayResponse
from pytest_apigw_embedded.integrations import Integration
from pytest_apigw_embedded.integrations.lambda_proxy.response import (
    MalformedResponse,
    map_response_v1,
    map_response_v2,
)
from pytest_apigw_embedded.lambda_events.event_v1 import build_event_v1
from pytest_apigw_embedded.lambda_events.event_v2 import build_event_v2

if TYPE_CHECKING:
    from pytest_apigw_embedded.services import Services


def build(spec: LambdaProxyIntegration, services: Services) -> Integration:
    """Resolve the handler now (so a bad one fails the deploy) and return the integration."""
    function = spec.handler
    runtime = services.lambda_runtime(function)
    runtime.prepare(function)
    v2 = spec.payload_format_version == "2.0"
    make_event = build_event_v2 if v2 else build_event_v1
    map_response = map_response_v2 if v2 else map_response_v1
    timeout = min(function.timeout, spec.timeout)
    label = f"Lambda {function.function_name!r} (payload {spec.payload_format_version})"

    async def integrate(request: GatewayRequest, ctx: RequestContext) -> GatewayResponse:
        record = ctx.invocation
        record.integration = label
        if spec.missing_permission:  # API Gateway may not invoke it: AWS answers 500
            record.error = f"execution failed due to a permissions error: {spec.missing_permission}"
            return responses.internal_error()
        event = make_event(request, ctx)
        record.event = event
        body_size = len(request.body)
        if body_size > SMALL_LAMBDA_BODY:  # a smaller body cannot make the event too big
            size = lambda_request_size(event, body_size)
            if size > MAX_LAMBDA_REQUEST:  # Lambda refuses the invocation (RequestEntityTooLarge)
                record.error = (f"the event is {size} bytes, over Lambda's {MAX_LAMBDA_REQUEST}-byte "
                                "request payload limit: the function was not invoked")
                return responses.too_large()
        result = await runtime.invoke(function, event, timeout)
        record.logs = result.logs
        if result.timed_out:
            record.error = result.error_message
            # The function's own timeout is a function error (500); the integration's timeout
            # (at most 30 s on HTTP APIs) is answered 503, as AWS does.
            if function.timeout <= spec.timeout:
                return responses.internal_error()
            return responses.service_unavailable()
        if result.error_type is not None:  # ``result.failed``, timeouts handled above
            record.error = f"{result.error_type}: {result.error_message}"
            record.traceback = result.traceback
            return responses.internal_error()
        record.result = payload = result.payload
        body = payload.get("body") if payload.__class__ is dict else None
        # a dict with a short text body (the usual answer) is obviously under the limit
        if body.__class__ is not str or len(body) > SMALL_LAMBDA_RESPONSE_BODY:
            size = lambda_response_size(payload)
            if size > MAX_LAMBDA_RESPONSE:
                record.error = (f"the function's response is {size} bytes, over Lambda's "
                                f"{MAX_LAMBDA_RESPONSE}-byte response payload limit")
                return responses.internal_error()
        try:
            return map_response(payload)
        except MalformedResponse as exc:
            record.error = f"malformed Lambda response: {exc}"
            return responses.internal_error()

    return integrate
