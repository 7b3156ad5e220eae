"""``HttpApi``, its routes and ``HttpStage``: the HTTP API side of the vocabulary."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from pytest_apigw.errors import SpecError
from pytest_apigw.spec._base import expect_bool, expect_text
from pytest_apigw.spec.authorizers import HttpNoneAuthorizer, HttpRouteAuthorizer, check_route_authorizer
from pytest_apigw.spec.cors import CorsPreflightOptions
from pytest_apigw.spec.integrations.base import HttpRouteIntegration
from pytest_apigw.spec.methods import HttpMethod
from pytest_apigw.spec.route_key import DEFAULT_ROUTE_KEY, RouteKey, method_name, parse_route_key
from pytest_apigw.spec.stage import DEFAULT_STAGE, Stage, StagedApi
from pytest_apigw.spec.throttle import ThrottleSettings

#: HTTP API quotas that cannot be increased ("Scopes per route", "Integrations per API").
MAX_SCOPES_PER_ROUTE = 10
MAX_INTEGRATIONS = 300


@dataclass(frozen=True)
class HttpRoute:
    """One route: a parsed route key, its integration and (optionally) an authorizer."""

    route_key: RouteKey
    integration: HttpRouteIntegration
    authorizer: HttpRouteAuthorizer | None = None
    authorization_scopes: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        """The route key text, e.g. ``GET /books`` or ``$default``."""
        return self.route_key.key


class HttpApi(StagedApi):
    """An HTTP API (``aws-apigatewayv2.HttpApi``).

    ``default_integration`` adds the ``$default`` route. Unless ``create_default_stage=False``,
    a ``$default`` stage with auto-deploy is created; :class:`HttpStage` adds named stages.
    """

    kind = "HttpApi"

    def __init__(
        self,
        id: str,  # noqa: A002
        *,
        api_name: str | None = None,
        description: str | None = None,
        default_integration: HttpRouteIntegration | None = None,
        default_authorizer: Any = None,
        cors_preflight: CorsPreflightOptions | dict[str, Any] | None = None,
        create_default_stage: bool = True,
        disable_execute_api_endpoint: bool = False,
    ) -> None:
        super().__init__(id)
        self.api_name = expect_text(self.label, "api_name", api_name, max_length=128) or id
        self.description = expect_text(self.label, "description", description)
        expect_bool(self.label, "create_default_stage", create_default_stage)
        if default_authorizer is not None and not isinstance(default_authorizer, HttpRouteAuthorizer):
            raise self.error(
                f"default_authorizer must be HttpJwtAuthorizer, HttpLambdaAuthorizer or "
                f"HttpNoneAuthorizer, got {type(default_authorizer).__name__} {default_authorizer!r}"
            )
        self.default_authorizer = default_authorizer
        self.cors_preflight = CorsPreflightOptions.coerce(cors_preflight)
        self.disable_execute_api_endpoint = expect_bool(
            self.label, "disable_execute_api_endpoint", disable_execute_api_endpoint)
        self.routes: dict[str, HttpRoute] = {}
        if create_default_stage:
            HttpStage(f"{id}-DefaultStage", http_api=self, stage_name=DEFAULT_STAGE)
        if default_integration is not None:
            self._add(parse_route_key(self.label, DEFAULT_ROUTE_KEY), default_integration, None, ())

    def add_routes(
        self,
        *,
        path: str,
        methods: Iterable[HttpMethod | str] | None = None,
        integration: HttpRouteIntegration,
        authorizer: Any = None,
        authorization_scopes: Iterable[str] | None = None,
    ) -> list[HttpRoute]:
        """Add one route per method for ``path`` (``methods`` defaults to ``[HttpMethod.ANY]``).

        ``path="$default"`` (with no methods) adds the catch-all route.
        """
        scopes = _scopes(self.label, path, authorization_scopes)
        if not isinstance(path, str):
            raise self.error(f"route path must be a string like '/books/{{id}}', got {type(path).__name__} "
                             f"{path!r}")
        if path == DEFAULT_ROUTE_KEY:
            if methods is not None:
                raise self.error("the $default route takes no methods")
            keys = [DEFAULT_ROUTE_KEY]
        else:
            names = [method_name(self.label, m) for m in _method_list(self.label, path, methods)]
            keys = [f"{name} {path}" for name in names]
        parsed = [parse_route_key(self.label, key) for key in keys]
        return [self._add(key, integration, authorizer, scopes) for key in parsed]

    @property
    def default_stage(self) -> HttpStage | None:
        """The ``$default`` stage, if the API has one (CDK's ``httpApi.defaultStage``)."""
        for stage in self.stages:
            if stage.stage_name == DEFAULT_STAGE:
                assert isinstance(stage, HttpStage)
                return stage
        return None

    def add_stage(self, id: str, **kwargs: Any) -> HttpStage:  # noqa: A002
        """Add a named stage (same keywords as :class:`HttpStage`)."""
        return HttpStage(id, http_api=self, **kwargs)

    def _add(
        self, key: RouteKey, integration: Any, authorizer: Any, scopes: tuple[str, ...]
    ) -> HttpRoute:
        if not isinstance(integration, HttpRouteIntegration):
            raise self.error(
                f"route {key.key!r}: integration must be an HTTP integration "
                f"(LambdaProxyIntegration, HttpProxyIntegration, ...), got "
                f"{type(integration).__name__} {integration!r}"
            )
        if key.key in self.routes:
            raise self.error(f"route {key.key!r} already exists in this API (ConflictException)")
        integrations = {id(route.integration) for route in self.routes.values()}
        if id(integration) not in integrations and len(integrations) >= MAX_INTEGRATIONS:
            raise self.error(f"route {key.key!r} would be integration number {len(integrations) + 1}; AWS "
                             f"allows at most {MAX_INTEGRATIONS} per HTTP API (quota, cannot be raised): "
                             "share integrations between routes")
        chosen = authorizer if authorizer is not None else self.default_authorizer
        check_route_authorizer(self, key.key, chosen, scopes)
        if isinstance(chosen, HttpNoneAuthorizer):  # opts out of default_authorizer
            chosen = None
        route = HttpRoute(key, integration, chosen, scopes)
        self.routes[key.key] = route
        self.version += 1
        return route



def _scopes(owner: str, path: Any, scopes: Any) -> tuple[str, ...]:
    """``authorization_scopes`` as a tuple of strings (a clear error for anything else)."""
    if scopes is None:
        return ()
    items = None if isinstance(scopes, str | bytes) or not isinstance(scopes, Iterable) else tuple(scopes)
    if items is None or not all(isinstance(scope, str) and scope for scope in items):
        raise SpecError(owner, f"route path {path!r}: authorization_scopes must be a list of non-empty "
                        f"strings, got {scopes!r}")
    if len(items) > MAX_SCOPES_PER_ROUTE:
        raise SpecError(owner, f"route path {path!r}: {len(items)} authorization_scopes; AWS allows at most "
                        f"{MAX_SCOPES_PER_ROUTE} per route (HTTP API quota, cannot be raised)")
    return items


class HttpStage(Stage):
    """A stage of an :class:`HttpApi` (``aws-apigatewayv2.HttpStage``).

    ``auto_deploy=True`` (the default) makes route changes live at once; with ``False`` they
    take effect on ``deployment.redeploy()``. ``access_log_format`` (AWS's
    ``AccessLogSettings.Format``) writes one line per request to ``deployment.access_log``.
    """

    kind = "HttpStage"

    def __init__(
        self,
        id: str,  # noqa: A002
        *,
        http_api: HttpApi,
        stage_name: str,
        auto_deploy: bool = True,
        stage_variables: dict[str, str] | None = None,
        throttle: ThrottleSettings | None = None,
        route_throttles: dict[str, ThrottleSettings] | None = None,
        access_log_format: str | None = None,
    ) -> None:
        super().__init__(
            id, stage_name=stage_name, auto_deploy=auto_deploy, stage_variables=stage_variables,
            throttle=throttle, route_throttles=route_throttles, access_log_format=access_log_format,
        )
        if not isinstance(http_api, HttpApi):
            raise self.error(f"http_api must be an HttpApi, got {type(http_api).__name__}")
        self.api = http_api
        http_api._add_stage(self)


def _method_list(owner: str, path: str, methods: object) -> list[object]:
    """``methods`` as a list: ``None`` is ``ANY``, one method (``HttpMethod.GET`` or ``"GET"``)
    is a list of one; anything else must be a non-empty list or tuple."""
    if methods is None:
        return [HttpMethod.ANY]
    if isinstance(methods, str):  # HttpMethod is a str enum: never iterate its letters
        return [methods]
    if not isinstance(methods, list | tuple | set | frozenset):
        raise SpecError(owner, f"route path {path!r}: methods must be a list of HttpMethod, got "
                               f"{type(methods).__name__} {methods!r}")
    if not methods:
        raise SpecError(owner, f"route path {path!r}: methods must not be empty (leave it out for ANY)")
    return list(methods)
