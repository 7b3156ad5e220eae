"""The authorize step of the HTTP API chain (route → **authorize** → integration).

Each route authorizer spec is built once per deployment into an ``authorize(request, ctx,
route) -> Outcome`` coroutine: :mod:`.jwt_` (JWT), :mod:`.lambda_` (Lambda ``REQUEST``);
:mod:`.websocket` builds WebSocket ``$connect`` authorizers on the same Lambda core;
:mod:`.identity` evaluates identity sources, :mod:`.jwks` fetches issuers' keys,
:mod:`.policy` reads Lambda answers, :mod:`.cache` keeps their results.
"""

from __future__ import annotations

from typing import Any

from pytest_apigw.spec.authorizers import HttpJwtAuthorizer, HttpLambdaAuthorizer
from pytest_apigw.spec.websocket_authorizers import WebSocketLambdaAuthorizer
from pytest_apigw_embedded.authorizers.outcome import Outcome
from pytest_apigw_embedded.gateway import responses
from pytest_apigw_embedded.gateway.responses import GatewayResponse

_ANSWERS = {401: "Unauthorized", 403: "Forbidden", 500: "Internal Server Error"}


def build(spec: Any, services: Any) -> Any:
    """The ``authorize`` coroutine for an authorizer spec."""
    if isinstance(spec, HttpJwtAuthorizer):
        from pytest_apigw_embedded.authorizers.jwt_ import build_jwt

        return build_jwt(spec, services)
    if isinstance(spec, HttpLambdaAuthorizer):
        from pytest_apigw_embedded.authorizers.lambda_ import build_lambda

        return build_lambda(spec, services)
    if isinstance(spec, WebSocketLambdaAuthorizer):
        from pytest_apigw_embedded.authorizers.websocket import build_websocket_lambda

        return build_websocket_lambda(spec, services)
    raise TypeError(f"no embedded authorizer for {spec!r}")


class Authorizers:
    """One deployment's built authorizers (built at deploy, or on first use for later routes)."""

    def __init__(self, api: Any, services: Any) -> None:
        self.services = services
        self._built: dict[int, Any] = {}
        for route in api.routes.values():
            if route.authorizer is not None:
                self.get(route.authorizer)

    def get(self, spec: Any) -> Any:
        """The built authorizer for ``spec``."""
        built = self._built.get(id(spec))
        if built is None:
            built = self._built[id(spec)] = build(spec, self.services)
        return built

    async def authorize(self, request: Any, ctx: Any) -> GatewayResponse | None:
        """``None`` when allowed (``ctx.authorizer`` set for the integration), else the answer."""
        route = ctx.match.route
        outcome: Outcome = await self.get(route.authorizer)(request, ctx, route)
        ctx.invocation.authorized = outcome.status is None
        if outcome.status is None:
            v1 = getattr(route.integration, "payload_format_version", "2.0") == "1.0"
            ctx.authorizer = outcome.v1 if v1 else outcome.v2
            return None
        ctx.invocation.error = outcome.reason
        return responses.error(outcome.status, _ANSWERS[outcome.status])
