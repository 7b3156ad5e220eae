"""Stages of a deployed WebSocket API and the routes each one serves.

A WebSocket stage is the first path segment (``ws://127.0.0.1:PORT/dev``); there is no
``$default`` stage. Auto-deploy stages follow the spec as it changes; the others keep the routes
of their last deployment (``deployment.redeploy()``), as on AWS. Integrations are built once per
spec integration and shared by the stages.
"""

from __future__ import annotations

from dataclasses import dataclass

from pytest_apigw.spec.integrations import HttpRouteIntegration, WebSocketRouteIntegration
from pytest_apigw.spec.stage import Stage
from pytest_apigw.spec.websocket_api import WebSocketApi, WebSocketRoute
from pytest_apigw_embedded.deployed.selection import RouteSelector
from pytest_apigw_embedded.deployed.stages import DeployedStages
from pytest_apigw_embedded.integrations import WebSocketIntegration, build


@dataclass(frozen=True, slots=True)
class DeployedRoute:
    """A route as one stage serves it: its spec and its built integration."""

    spec: WebSocketRoute
    integration: WebSocketIntegration


@dataclass
class StageRoutes:
    """One stage's deployed routes by key, and the selector."""

    stage: Stage
    routes: dict[str, DeployedRoute]
    selector: RouteSelector

    def route(self, key: str | None) -> DeployedRoute | None:
        """The deployed route for a key, or ``None``."""
        return self.routes.get(key) if key is not None else None


class WebSocketStageTable(DeployedStages[WebSocketApi, WebSocketIntegration, StageRoutes]):
    """Every stage of one deployed :class:`~pytest_apigw.WebSocketApi`."""

    def build(self, spec: HttpRouteIntegration | WebSocketRouteIntegration) -> WebSocketIntegration:
        """A WebSocket integration (the spec's routes hold only those)."""
        if not isinstance(spec, WebSocketRouteIntegration):
            raise TypeError(f"a WebSocket API route cannot use {spec!r}")
        return build(spec, self.services)

    def compile(self, stage: Stage) -> StageRoutes:
        """The API's current routes with their integrations, and a selector over their keys."""
        routes = {key: DeployedRoute(route, self.integration(route.integration))
                  for key, route in self.api.routes.items()}
        selector = RouteSelector(self.api.route_selection_expression, set(routes))
        return StageRoutes(stage, routes, selector)

    def select(self, path: str) -> StageRoutes | None:
        """The stage a handshake or management path names (first segment), or ``None``."""
        self.refresh()
        name = path.lstrip("/").partition("/")[0]
        return self.by_name.get(name)
