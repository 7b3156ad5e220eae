"""One module per integration type, listed in one explicit table.

An integration is built once per deployment from its spec and is then called per request:
``await integration(request, context) -> GatewayResponse``. Each module of the table has a
``build(spec, services) -> Integration``; the table says which spec class it serves and under
which capability, and the backend's capabilities are derived from it.
"""

from __future__ import annotations

import importlib
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, NamedTuple, overload

from pytest_apigw import capabilities
from pytest_apigw.errors import DeployError
from pytest_apigw.invocations import Invocation
from pytest_apigw.spec.integrations import (
    HttpAlbIntegration,
    HttpNlbIntegration,
    HttpProxyIntegration,
    HttpRouteIntegration,
    HttpServiceDiscoveryIntegration,
    LambdaProxyIntegration,
    LambdaWebSocketIntegration,
    WebSocketRouteIntegration,
)
from pytest_apigw_embedded.exchange.context import RequestContext
from pytest_apigw_embedded.exchange.request import GatewayRequest
from pytest_apigw_embedded.exchange.responses import GatewayResponse
from pytest_apigw_embedded.lambda_runtime.result import InvokeResult

if TYPE_CHECKING:
    from pytest_apigw_embedded.services import Services

#: A built HTTP API integration: ``await integration(request, context) -> GatewayResponse``.
Integration = Callable[[GatewayRequest, RequestContext], Awaitable[GatewayResponse]]
#: A built WebSocket API integration: ``await integration(event, record) -> InvokeResult``.
WebSocketIntegration = Callable[[dict[str, Any], Invocation], Awaitable[InvokeResult]]
#: A module's ``build(spec integration, services)`` (its spec class is the one its row names).
Builder = Callable[["HttpRouteIntegration | WebSocketRouteIntegration", "Services"],
                   "Integration | WebSocketIntegration"]


class Row(NamedTuple):
    """One integration type: the module (under this package) that builds it, and the capability
    it gives the backend."""

    module: str
    capability: str


#: Every integration type the embedded backend serves: spec class → row.
TABLE: dict[type, Row] = {
    LambdaProxyIntegration: Row("lambda_proxy", capabilities.LAMBDA_PROXY),
    HttpProxyIntegration: Row("http_proxy", capabilities.HTTP_PROXY),
    HttpAlbIntegration: Row("alb", capabilities.PRIVATE_ALB),
    HttpNlbIntegration: Row("nlb", capabilities.PRIVATE_NLB),
    HttpServiceDiscoveryIntegration: Row("cloud_map", capabilities.PRIVATE_CLOUD_MAP),
    LambdaWebSocketIntegration: Row("websocket_lambda", capabilities.WEBSOCKET),
}


def builder(spec_type: type) -> Builder | None:
    """The ``build`` function for ``spec_type`` (its own row, or a base class's)."""
    for klass in spec_type.__mro__:
        row = TABLE.get(klass)
        if row is not None:
            module = importlib.import_module(f"{__name__}.{row.module}")
            make: Builder = module.build
            return make
    return None


@overload
def build(spec: HttpRouteIntegration, services: Services) -> Integration: ...
@overload
def build(spec: WebSocketRouteIntegration, services: Services) -> WebSocketIntegration: ...
def build(spec: HttpRouteIntegration | WebSocketRouteIntegration,
          services: Services) -> Integration | WebSocketIntegration:
    """The embedded implementation of integration ``spec``."""
    make = builder(type(spec))
    if make is None:
        raise DeployError(
            f"the embedded backend cannot serve {type(spec).__name__} yet "
            f"(it serves: {', '.join(t.__name__ for t in TABLE)})"
        )
    return make(spec, services)


def capabilities_served() -> frozenset[str]:
    """The capabilities of the integration types in :data:`TABLE`."""
    return frozenset(row.capability for row in TABLE.values())
