"""What a built authorizer is: the two callables the gateways await, one per API kind."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from pytest_apigw.invocations import Invocation
    from pytest_apigw.spec.http_api import HttpRoute
    from pytest_apigw_embedded.authorizers.outcome import Outcome
    from pytest_apigw_embedded.exchange.context import RequestContext
    from pytest_apigw_embedded.exchange.request import GatewayRequest


class HttpAuthorizer(Protocol):
    """An HTTP API route's authorizer, built once per deployment (JWT or Lambda)."""

    async def __call__(self, request: GatewayRequest, ctx: RequestContext, route: HttpRoute) -> Outcome:
        """Allowed (``status`` ``None``, with what integrations see) or the gateway's answer."""
        ...


class WebSocketAuthorizer(Protocol):
    """A WebSocket API's ``$connect`` authorizer, built once per deployment."""

    async def __call__(self, event: dict[str, Any], record: Invocation) -> Outcome:
        """The outcome for the ``$connect`` event of a handshake."""
        ...
