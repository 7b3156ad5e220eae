"""The translator: a spec becomes AWS API calls, shared by the ``localstack`` and ``aws`` backends.

``Translator.deploy(api)`` creates, in dependency order, what the spec needs (functions, VPCs,
load balancers, Cloud Map, the API, its integrations, authorizers, routes and stages), writing
each created resource to a ledger first; when anything fails the ledger is torn down before the error goes up.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pytest_apigw.errors import DeployError, SpecError
from pytest_apigw.spec import Function, HttpApi, WebSocketApi
from pytest_apigw_localstack import packaging
from pytest_apigw_localstack.clients import Clients
from pytest_apigw_localstack.ledger import Ledger
from pytest_apigw_localstack.naming import Namer
from pytest_apigw_localstack.teardown import teardown
from pytest_apigw_localstack.translate import functions, http_api, websocket
from pytest_apigw_localstack.translate.context import Context
from pytest_apigw_localstack.upstreams import UpstreamHost


@dataclass
class Provisioned:
    """What one deploy made: the API's id and endpoint, its routes and stages, and the ledger."""

    api: Any
    api_id: str
    api_endpoint: str
    context: Context
    routes: dict[str, str] = field(default_factory=dict)
    stages: list[str] = field(default_factory=list)

    @property
    def ledger(self) -> Ledger:
        """Everything created for this deployment."""
        return self.context.ledger

    @property
    def notes(self) -> list[str]:
        """What the endpoint could not do (e.g. no VPC link API)."""
        return self.context.notes


def functions_of(api: HttpApi | WebSocketApi) -> list[Function]:
    """Every spec ``Function`` an API's routes use (integrations and Lambda authorizers)."""
    found = []
    for route in api.routes.values():
        for owner in (route.integration, route.authorizer):
            handler = getattr(owner, "handler", None)
            if isinstance(handler, Function):
                found.append(handler)
    return found


class Translator:
    """Spec → AWS API. ``real_aws`` waits for eventual consistency and never substitutes a gap."""

    def __init__(
        self, clients: Clients, namer: Namer | None = None, *, real_aws: bool = False,
        upstreams: UpstreamHost | None = None, route_log_format: str | None = None,
    ) -> None:
        self.clients = clients
        #: Given to stages without ``access_log_format`` (route coverage reads it back).
        self.route_log_format = route_log_format
        self.upstreams = upstreams or UpstreamHost(None)
        self.namer = namer or Namer()
        self.real_aws = real_aws
        self.busy_wait = 600.0 if real_aws else 0.0

    def check(self, api: Any) -> None:
        """Refuse, before creating anything, what cannot be provisioned (AWS's deployment checks
        are the backend's, through ``spec/deploy.py``; these are the AWS API's own limits and
        handlers that cannot be shipped)."""
        if not isinstance(api, WebSocketApi):
            http_api.refuse_unprovisionable(api)
        for function in functions_of(api):
            packaging.handler_name(function)

    def deploy(self, api: Any) -> Provisioned:
        """Provision ``api``; on failure everything already created is removed, then the error raised."""
        self.check(api)
        ctx = Context(self.clients, self.namer.deployment(), Ledger(), real_aws=self.real_aws,
                      upstreams=self.upstreams, route_log_format=self.route_log_format)
        try:
            return self._deploy(ctx, api)
        except BaseException as exc:
            try:
                teardown(self.clients, ctx.ledger, busy_wait=self.busy_wait)
            except DeployError as cleanup:
                exc.add_note(str(cleanup))
            if isinstance(exc, SpecError | DeployError) or not isinstance(exc, Exception):
                raise
            raise DeployError(f"deploying {api.label} failed: {exc}") from exc

    def _deploy(self, ctx: Context, api: Any) -> Provisioned:
        family = websocket if isinstance(api, WebSocketApi) else http_api
        created = family.create_api(ctx, api)
        done = Provisioned(api, created["ApiId"], created.get("ApiEndpoint", ""), ctx)
        self._sync(done)
        return done

    def _sync(self, done: Provisioned) -> list[str]:
        """Create the spec's routes and stages that are not provisioned yet; the new stage names."""
        family = websocket if isinstance(done.api, WebSocketApi) else http_api
        for key, route in done.api.routes.items():
            if key not in done.routes:
                done.routes[key] = family.add_route(done.context, done.api_id, route)
        functions.wait_active(done.context)
        new = []
        for stage in done.api.stages:
            if stage.stage_name not in done.stages:
                self._add_stage(done, stage)
                done.stages.append(stage.stage_name)
                new.append(stage.stage_name)
        return new

    def _add_stage(self, done: Provisioned, stage: Any) -> None:
        http_api.add_stage(done.context, done.api_id, stage)

    def redeploy(self, done: Provisioned) -> None:
        """Provision routes and stages added since, then deploy every stage without auto-deploy."""
        try:
            new = self._sync(done)
        except Exception as exc:
            if isinstance(exc, SpecError | DeployError):
                raise
            raise DeployError(f"redeploying {done.api.label} failed: {exc}") from exc
        for stage in done.api.stages:
            if not stage.auto_deploy and stage.stage_name not in new:
                http_api.deploy_stage(done.context, done.api_id, stage.stage_name)

    def destroy(self, done: Provisioned) -> None:
        """Delete everything the deployment created, in dependency order."""
        teardown(self.clients, done.ledger, busy_wait=self.busy_wait)
