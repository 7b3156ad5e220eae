"""Stage selection and each stage's compiled routes (``http-api-stages.md``).

A request whose first path segment names a stage goes to that stage; anything else goes to
``$default``; with no ``$default`` stage the answer is 404. Auto-deploy stages follow the spec
as it changes; the others keep the routes they had at the last (re)deploy.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pytest_apigw.spec.stage import DEFAULT_STAGE
from pytest_apigw_embedded.deployed.routing import Router
from pytest_apigw_embedded.integrations import Integration, build


class DeployedStages:
    """What HTTP and WebSocket APIs share: per-stage compiled routes, integrations built once
    per spec integration, auto-deploy stages recompiled when the spec changes."""

    def __init__(self, api: Any, services: Any) -> None:
        self.api = api
        self.services = services
        self._integrations: dict[int, Integration] = {}
        self.by_name: dict[str, Any] = {}
        self.version = -1
        self.deploy(manual_too=True)

    def integration(self, spec: Any) -> Integration:
        """The built integration for ``spec`` (built on first use, then shared by the stages)."""
        key = id(spec)
        if key not in self._integrations:
            self._integrations[key] = build(spec, self.services)
        return self._integrations[key]

    def compile(self, stage: Any) -> Any:
        """The routes ``stage`` serves from now on (subclasses say how)."""
        raise NotImplementedError

    def deploy(self, manual_too: bool) -> None:
        """Recompile auto-deploy stages (and the others when ``manual_too``: a new deployment)."""
        table = {}
        for stage in self.api.stages:
            current = self.by_name.get(stage.stage_name)
            if current is None or manual_too or stage.auto_deploy:
                table[stage.stage_name] = self.compile(stage)
            else:
                table[stage.stage_name] = current
        self.by_name = table
        self.version = self.api.version

    def stage_named(self, name: str) -> Any:
        """The spec stage called ``name`` (``None`` when the API has none)."""
        for stage in self.api.stages:
            if stage.stage_name == name:
                return stage
        return None

    def refresh(self) -> None:
        """Follow the spec's changes on auto-deploy stages (cheap when nothing changed)."""
        if self.version != self.api.version:
            self.deploy(manual_too=False)


@dataclass
class StageRoutes:
    """A stage with the router and integrations of its current deployment."""

    stage: Any
    router: Router
    integrations: dict[int, Integration]


class StageTable(DeployedStages):
    """Every stage of one deployed HTTP API."""

    def compile(self, stage: Any) -> StageRoutes:
        """A router over the API's current routes."""
        routes = list(self.api.routes.values())
        for route in routes:
            self.integration(route.integration)
        return StageRoutes(stage, Router(routes), self._integrations)

    def select(self, raw_path: str) -> tuple[StageRoutes, str] | None:
        """``(stage, stage-relative path)`` for a request path, or ``None`` (404)."""
        self.refresh()
        first, _, rest = raw_path[1:].partition("/")
        named = self.by_name.get(first) if first and first != DEFAULT_STAGE else None
        if named is not None:
            return named, "/" + rest
        default = self.by_name.get(DEFAULT_STAGE)
        if default is not None:
            return default, raw_path
        return None
