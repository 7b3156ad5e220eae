"""The authorize step of the HTTP API chain (route → **authorize** → integration).

Each route authorizer spec is built once per deployment into an ``authorize(request, ctx,
route) -> Outcome`` coroutine: :mod:`.jwt_` (JWT), :mod:`.lambda_` (Lambda ``REQUEST``);
:mod:`.websocket` builds WebSocket ``$connect`` authorizers on the same Lambda core;
:mod:`.identity` evaluates identity sources, :mod:`.jwks` fetches issuers' keys,
:mod:`.policy` reads Lambda answers, :mod:`.cache` keeps their results.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, NamedTuple, TypeAlias, overload

from pytest_apigw import capabilities
from pytest_apigw.spec.authorizers import HttpJwtAuthorizer, HttpLambdaAuthorizer, HttpRouteAuthorizer
from pytest_apigw.spec.websocket_authorizers import WebSocketLambdaAuthorizer, WebSocketRouteAuthorizer
from pytest_apigw_embedded.exchange import responses

# The outcome and protocol modules are for type checking here: a deployment without authorizers
# does not load them (the builders of each type import what they use).
if TYPE_CHECKING:
    from collections.abc import Callable

    from pytest_apigw.spec.http_api import HttpApi
    from pytest_apigw.spec.websocket_api import WebSocketApi
    from pytest_apigw_embedded.authorizers.outcome import Outcome
    from pytest_apigw_embedded.authorizers.protocol import HttpAuthorizer, WebSocketAuthorizer
    from pytest_apigw_embedded.exchange.context import RequestContext
    from pytest_apigw_embedded.exchange.request import GatewayRequest
    from pytest_apigw_embedded.exchange.responses import GatewayResponse
    from pytest_apigw_embedded.services import Services

    #: What a spec is built into.
    Built: TypeAlias = HttpAuthorizer | WebSocketAuthorizer

#: A route authorizer spec of either API kind.
AuthorizerSpec = HttpRouteAuthorizer | WebSocketRouteAuthorizer

_ANSWERS = {401: "Unauthorized", 403: "Forbidden", 500: "Internal Server Error"}


class Row(NamedTuple):
    """One authorizer type: the module (under this package) and its builder function, and the
    capability it gives the backend."""

    module: str
    builder: str
    capability: str


#: Every authorizer type the embedded backend serves: spec class → row.
TABLE: dict[type, Row] = {
    HttpJwtAuthorizer: Row("jwt_", "build_jwt", capabilities.AUTHORIZERS),
    HttpLambdaAuthorizer: Row("lambda_", "build_lambda", capabilities.AUTHORIZERS),
    WebSocketLambdaAuthorizer: Row("websocket", "build_websocket_lambda", capabilities.WEBSOCKET_AUTHORIZERS),
}


@overload
def build(spec: HttpRouteAuthorizer, services: Services) -> HttpAuthorizer: ...
@overload
def build(spec: WebSocketRouteAuthorizer, services: Services) -> WebSocketAuthorizer: ...
def build(spec: AuthorizerSpec, services: Services) -> Built:
    """The ``authorize`` coroutine for an authorizer spec."""
    row = TABLE.get(type(spec))
    if row is None:
        served = ", ".join(t.__name__ for t in TABLE)
        raise TypeError(f"no embedded authorizer for {spec!r} (serves: {served})")
    module = importlib.import_module(f"{__name__}.{row.module}")
    make: Callable[[AuthorizerSpec, Services], Built] = getattr(module, row.builder)
    return make(spec, services)


def capabilities_served() -> frozenset[str]:
    """The capabilities of the authorizer types in :data:`TABLE`."""
    return frozenset(row.capability for row in TABLE.values())


class Authorizers:
    """One deployment's built authorizers (built at deploy, or on first use for later routes)."""

    def __init__(self, api: HttpApi | WebSocketApi, services: Services) -> None:
        self.services = services
        self._built: dict[int, Built] = {}
        for route in api.routes.values():
            if route.authorizer is not None:
                self.get(route.authorizer)

    @overload
    def get(self, spec: HttpRouteAuthorizer) -> HttpAuthorizer: ...
    @overload
    def get(self, spec: WebSocketRouteAuthorizer) -> WebSocketAuthorizer: ...
    def get(self, spec: AuthorizerSpec) -> Built:
        """The built authorizer for ``spec``."""
        built = self._built.get(id(spec))
        if built is None:
            built = self._built[id(spec)] = build(spec, self.services)
        return built

    async def authorize(self, request: GatewayRequest, ctx: RequestContext) -> GatewayResponse | None:
        """``None`` when allowed (``ctx.authorizer`` set for the integration), else the answer."""
        route = ctx.match.route
        if route.authorizer is None:
            return None
        outcome: Outcome = await self.get(route.authorizer)(request, ctx, route)
        ctx.invocation.authorized = outcome.status is None
        if outcome.status is None:
            v1 = getattr(route.integration, "payload_format_version", "2.0") == "1.0"
            ctx.authorizer = outcome.v1 if v1 else outcome.v2
            return None
        ctx.invocation.error = outcome.reason
        answer = responses.error(outcome.status, _ANSWERS[outcome.status])
        answer.headers.extend(outcome.headers())
        return answer
