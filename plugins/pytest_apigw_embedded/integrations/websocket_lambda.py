"""Lambda integration of a WebSocket route: event → handler → :class:`InvokeResult`.

The gateway (``gateway/websocket_app.py``) builds the event and decides what the result means
(accept / reject for ``$connect``, the two-way answer, the error frame).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from pytest_apigw.invocations import Invocation
from pytest_apigw.spec import LambdaWebSocketIntegration
from pytest_apigw_embedded.lambda_runtime.result import InvokeResult

WebSocketIntegration = Callable[[dict[str, Any], Invocation], Awaitable[InvokeResult]]


def build(spec: LambdaWebSocketIntegration, services: Any) -> WebSocketIntegration:
    """Resolve the handler now (a bad one fails the deploy) and return the integration."""
    function = spec.handler
    runtime = services.lambda_runtime(function)
    runtime.prepare(function)
    timeout = min(function.timeout, spec.timeout)
    label = f"Lambda {function.function_name!r} (WebSocket)"

    async def integrate(event: dict[str, Any], record: Invocation) -> InvokeResult:
        record.integration = label
        if spec.missing_permission:  # API Gateway may not invoke it: the integration fails
            record.error = f"execution failed due to a permissions error: {spec.missing_permission}"
            return InvokeResult(error_type="AccessDeniedException", error_message=spec.missing_permission)
        record.event = event
        result = await runtime.invoke(function, event, timeout)
        record.logs = result.logs
        if result.failed:
            record.error = f"{result.error_type}: {result.error_message}"
            record.traceback = result.traceback
        return result

    return integrate
