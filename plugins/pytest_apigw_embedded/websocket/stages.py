"""Stages of a deployed WebSocket API and the routes each one serves.

A WebSocket stage is the first path segment (``ws://127.0.0.1:PORT/dev``); there is no
``$default`` stage. Auto-deploy stages follow the spec as it changes; the others keep the routes
of their last deployment (``deployment.redeploy()``), as on AWS. Integrations are built once per
spec integration and shared by the stages.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pytest_apigw_embedded.integrations import build
from pytest_apigw_embedded.websocket.selection import RouteSelector


@dataclass
class StageRoutes:
    """One stage's deployed routes: key → (route, integration), and the selector."""

    stage: Any
    routes: dict[str, tuple[Any, Any]]
    selector: RouteSelector

    def route(self, key: str | None) -> tuple[Any, Any] | None:
        """The ``(route spec, integration)`` for a key, or ``None``."""
        return self.routes.get(key) if key is not None else None


class WebSocketStageTable:
    """Every stage of one deployed :class:`~pytest_apigw.WebSocketApi`."""

    def __init__(self, api: Any, services: Any) -> None:
        self.api = api
        self.services = services
        self._integrations: dict[int, Any] = {}
        self.by_name: dict[str, StageRoutes] = {}
        self.version = -1
        self.deploy(manual_too=True)

    def _compile(self, stage: Any) -> StageRoutes:
        routes: dict[str, tuple[Any, Any]] = {}
        for key, route in self.api.routes.items():
            ident = id(route.integration)
            if ident not in self._integrations:
                self._integrations[ident] = build(route.integration, self.services)
            routes[key] = (route, self._integrations[ident])
        selector = RouteSelector(self.api.route_selection_expression, set(routes))
        return StageRoutes(stage, routes, selector)

    def deploy(self, manual_too: bool) -> None:
        """Recompile auto-deploy stages (and the others when ``manual_too``: a new deployment)."""
        table = {}
        for stage in self.api.stages:
            current = self.by_name.get(stage.stage_name)
            if current is None or manual_too or stage.auto_deploy:
                table[stage.stage_name] = self._compile(stage)
            else:
                table[stage.stage_name] = current
        self.by_name = table
        self.version = self.api.version

    def select(self, path: str) -> StageRoutes | None:
        """The stage a handshake or management path names (first segment), or ``None``."""
        if self.version != self.api.version:
            self.deploy(manual_too=False)
        name = path.lstrip("/").partition("/")[0]
        return self.by_name.get(name)
