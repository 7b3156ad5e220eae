"""One module per integration type; each registers the spec class it serves.

An integration is built once per deployment from its spec and is then called per request:
``await integration(request, context) -> GatewayResponse``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from pytest_apigw_embedded.exchange.context import RequestContext
from pytest_apigw_embedded.exchange.request import GatewayRequest
from pytest_apigw_embedded.exchange.responses import GatewayResponse

Integration = Callable[[GatewayRequest, RequestContext], Awaitable[GatewayResponse]]
Builder = Callable[[Any, Any], Integration]  # (spec integration, services) -> Integration

_BUILDERS: dict[type, Builder] = {}
_CAPABILITIES: dict[type, str] = {}


def serves(spec_type: type, capability: str) -> Callable[[Builder], Builder]:
    """Register ``builder`` as the embedded implementation of ``spec_type``."""

    def register(builder: Builder) -> Builder:
        _BUILDERS[spec_type] = builder
        _CAPABILITIES[spec_type] = capability
        return builder

    return register


def load_all() -> None:
    """Import every integration module so each registers itself."""
    import importlib
    import pkgutil

    for info in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{info.name}")


def build(spec: Any, services: Any) -> Integration:
    """The embedded implementation of integration ``spec``."""
    for klass in type(spec).__mro__:
        if klass in _BUILDERS:
            return _BUILDERS[klass](spec, services)
    from pytest_apigw.errors import DeployError

    raise DeployError(
        f"the embedded backend cannot serve {type(spec).__name__} yet "
        f"(it serves: {', '.join(t.__name__ for t in _BUILDERS)})"
    )


def capabilities() -> frozenset[str]:
    """The capabilities of the registered integrations."""
    return frozenset(_CAPABILITIES.values())
