"""``LambdaWebSocketIntegration`` (alias ``WebSocketLambdaIntegration``)."""

from __future__ import annotations

from datetime import timedelta

from pytest_apigw.spec.function import Function
from pytest_apigw.spec.integrations.base import integration_timeout, v2_arguments

#: WebSocket APIs allow integration timeouts up to 29 s (``limits.md``).
MAX_WEBSOCKET_TIMEOUT = 29.0


class WebSocketRouteIntegration:
    """Base of the integrations a route of a :class:`~pytest_apigw.WebSocketApi` can use."""

    integration_type = "AWS_PROXY"

    @property
    def label(self) -> str:
        """How errors name this integration."""
        return type(self).__name__


class LambdaWebSocketIntegration(WebSocketRouteIntegration):
    """Invoke ``handler`` (a :class:`~pytest_apigw.Function` or callable) for a WebSocket route.

    ``missing_permission``: set by :func:`~pytest_apigw.load_template` when no
    ``AWS::Lambda::Permission`` lets API Gateway invoke the function for the route (the
    integration then fails as on AWS); specs built in Python are always permitted.
    """

    missing_permission: str | None = None

    def __init__(
        self,
        id: str | None = None,  # noqa: A002 - CDK v2's construct id
        handler: Function | object = None,
        *,
        timeout: float | timedelta | None = None,
    ) -> None:
        handler = Function.of(self.label, v2_arguments(self.label, id, handler, "handler"))
        self.id = id
        self.handler: Function = handler
        seconds = integration_timeout(self.label, timeout)
        if seconds > MAX_WEBSOCKET_TIMEOUT:
            seconds = MAX_WEBSOCKET_TIMEOUT
        self.timeout = seconds

    def __repr__(self) -> str:
        return f"LambdaWebSocketIntegration(handler={self.handler.id!r})"


#: The newer CDK name.
WebSocketLambdaIntegration = LambdaWebSocketIntegration
