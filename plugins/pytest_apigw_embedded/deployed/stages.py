"""Stage selection and each stage's compiled routes (``http-api-stages.md``).

A request whose first path segment names a stage goes to that stage; anything else goes to
``$default``; with no ``$default`` stage the answer is 404. Auto-deploy stages follow the spec
as it changes; the others keep the routes they had at the last (re)deploy.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Generic, NamedTuple, TypeVar

from pytest_apigw.spec.http_api import HttpApi
from pytest_apigw.spec.integrations import HttpRouteIntegration, WebSocketRouteIntegration
from pytest_apigw.spec.stage import DEFAULT_STAGE, Stage
from pytest_apigw.spec.websocket_api import WebSocketApi
from pytest_apigw_embedded.deployed.routing import Router
from pytest_apigw_embedded.integrations import Integration, WebSocketIntegration, build

if TYPE_CHECKING:
    from pytest_apigw_embedded.services import Services

#: The API kind (``HttpApi`` or ``WebSocketApi``).
ApiT = TypeVar("ApiT", HttpApi, WebSocketApi)
#: What a spec integration is built into (``Integration`` or ``WebSocketIntegration``).
BuiltT = TypeVar("BuiltT", Integration, WebSocketIntegration)
#: What one stage's deployment is compiled into.
CompiledT = TypeVar("CompiledT")


class DeployedStages(Generic[ApiT, BuiltT, CompiledT]):
    """What HTTP and WebSocket APIs share: per-stage compiled routes, integrations built once
    per spec integration, auto-deploy stages recompiled when the spec changes."""

    def __init__(self, api: ApiT, services: Services) -> None:
        self.api: ApiT = api
        self.services = services
        self._integrations: dict[int, BuiltT] = {}
        self.by_name: dict[str, CompiledT] = {}
        self.version = -1
        self.deploy(manual_too=True)

    def integration(self, spec: HttpRouteIntegration | WebSocketRouteIntegration) -> BuiltT:
        """The built integration for ``spec`` (built on first use, then shared by the stages)."""
        key = id(spec)
        if key not in self._integrations:
            self._integrations[key] = self.build(spec)
        return self._integrations[key]

    def build(self, spec: HttpRouteIntegration | WebSocketRouteIntegration) -> BuiltT:
        """Build one spec integration (subclasses say which kind)."""
        raise NotImplementedError

    def compile(self, stage: Stage) -> CompiledT:
        """The routes ``stage`` serves from now on (subclasses say how)."""
        raise NotImplementedError

    def deploy(self, manual_too: bool) -> None:
        """Recompile auto-deploy stages (and the others when ``manual_too``: a new deployment)."""
        table: dict[str, CompiledT] = {}
        for stage in self.api.stages:
            current = self.by_name.get(stage.stage_name)
            if current is None or manual_too or stage.auto_deploy:
                table[stage.stage_name] = self.compile(stage)
            else:
                table[stage.stage_name] = current
        self.by_name = table
        self.version = self.api.version

    def stage_named(self, name: str) -> Stage | None:
        """The spec stage called ``name`` (``None`` when the API has none)."""
        for stage in self.api.stages:
            if stage.stage_name == name:
                return stage
        return None

    def refresh(self) -> None:
        """Follow the spec's changes on auto-deploy stages (cheap when nothing changed)."""
        if self.version != self.api.version:
            self.deploy(manual_too=False)


class RoutePlan(NamedTuple):
    """What the gateway needs of one route on each request, worked out at deploy."""

    #: The built integration.
    integration: Integration
    #: A Lambda proxy (``AWS_PROXY``): ``$context.integrationStatus`` is Lambda's invoke status.
    lambda_proxy: bool
    #: The route has an authorizer to run first.
    authorized: bool


class StageRoutes:
    """A stage with the router and integrations of its current deployment."""

    __slots__ = ("stage", "router", "integrations", "plans")

    def __init__(self, stage: Stage, router: Router, integrations: dict[int, Integration],
                 plans: dict[int, RoutePlan] | None = None) -> None:
        self.stage = stage
        self.router = router
        self.integrations = integrations
        #: Per route (by ``id``): its :class:`RoutePlan`.
        self.plans: dict[int, RoutePlan] = {} if plans is None else plans


class StageTable(DeployedStages[HttpApi, Integration, StageRoutes]):
    """Every stage of one deployed HTTP API."""

    def build(self, spec: HttpRouteIntegration | WebSocketRouteIntegration) -> Integration:
        """An HTTP integration (the spec's routes hold only those)."""
        if not isinstance(spec, HttpRouteIntegration):
            raise TypeError(f"an HTTP API route cannot use {spec!r}")
        return build(spec, self.services)

    def compile(self, stage: Stage) -> StageRoutes:
        """A router over the API's current routes."""
        routes = list(self.api.routes.values())
        plans = {id(route): RoutePlan(self.integration(route.integration),
                                      route.integration.integration_type == "AWS_PROXY",
                                      route.authorizer is not None)
                 for route in routes}
        return StageRoutes(stage, Router(routes), self._integrations, plans)

    def select(self, raw_path: str) -> tuple[StageRoutes, str] | None:
        """``(stage, stage-relative path)`` for a request path, or ``None`` (404)."""
        if self.version != self.api.version:  # :meth:`refresh`'s test, without its call
            self.refresh()
        by_name = self.by_name
        default = by_name.get(DEFAULT_STAGE)
        if default is not None and len(by_name) == 1:  # only ``$default``: every path is its own
            return default, raw_path
        first, _, rest = raw_path[1:].partition("/")
        named = by_name.get(first) if first and first != DEFAULT_STAGE else None
        if named is not None:
            return named, "/" + rest
        if default is not None:
            return default, raw_path
        return None
