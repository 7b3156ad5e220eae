"""Stages of a deployed WebSocket API and the routes each one serves.

A WebSocket stage is the first path segment (``ws://127.0.0.1:PORT/dev``); there is no
``$default`` stage. Auto-deploy stages follow the spec as it changes; the others keep the routes
of their last deployment (``deployment.redeploy()``), as on AWS. Integrations are built once per
spec integration and shared by the stages.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pytest_apigw_embedded.deployed.selection import RouteSelector
from pytest_apigw_embedded.deployed.stages import DeployedStages


@dataclass
class StageRoutes:
    """One stage's deployed routes: key → (route, integration), and the selector."""

    stage: Any
    routes: dict[str, tuple[Any, Any]]
    selector: RouteSelector

    def route(self, key: str | None) -> tuple[Any, Any] | None:
        """The ``(route spec, integration)`` for a key, or ``None``."""
        return self.routes.get(key) if key is not None else None


class WebSocketStageTable(DeployedStages):
    """Every stage of one deployed :class:`~pytest_apigw.WebSocketApi`."""

    def compile(self, stage: Any) -> StageRoutes:
        """The API's current routes with their integrations, and a selector over their keys."""
        routes = {key: (route, self.integration(route.integration)) for key, route in self.api.routes.items()}
        selector = RouteSelector(self.api.route_selection_expression, set(routes))
        return StageRoutes(stage, routes, selector)

    def select(self, path: str) -> StageRoutes | None:
        """The stage a handshake or management path names (first segment), or ``None``."""
        self.refresh()
        name = path.lstrip("/").partition("/")[0]
        return self.by_name.get(name)
