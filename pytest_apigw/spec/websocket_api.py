"""``WebSocketApi``, its routes and ``WebSocketStage``: the WebSocket side of the vocabulary."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from pytest_apigw.errors import SpecError
from pytest_apigw.spec._base import expect_bool, expect_text
from pytest_apigw.spec.integrations.websocket_lambda import WebSocketRouteIntegration
from pytest_apigw.spec.stage import Stage, StagedApi
from pytest_apigw.spec.throttle import ThrottleSettings
from pytest_apigw.spec.websocket_authorizers import WebSocketRouteAuthorizer, check_websocket_route_authorizer

SPECIAL_ROUTE_KEYS = ("$connect", "$disconnect", "$default")
_ROUTE_KEY_RE = re.compile(r"^[^\s]{1,128}\Z")
_SELECTION_RE = re.compile(r"^(\$request\.body\.[A-Za-z0-9_.\-\[\]]+|.*\$\{request\.body\.[^}]+\}.*)\Z")


@dataclass(frozen=True)
class WebSocketRouteOptions:
    """Options of a special route (``$connect``, ``$disconnect``, ``$default``)."""

    integration: WebSocketRouteIntegration
    authorizer: Any = None
    return_response: bool = False


@dataclass(frozen=True)
class WebSocketRoute:
    """A route: its key, integration, and whether the integration's response goes back."""

    key: str
    integration: WebSocketRouteIntegration
    authorizer: WebSocketRouteAuthorizer | None = None
    return_response: bool = False


def _options(owner: str, key: str, value: Any) -> WebSocketRouteOptions | None:
    if value is None or isinstance(value, WebSocketRouteOptions):
        return value
    if isinstance(value, dict):
        allowed = {"integration", "authorizer", "return_response"}
        if "integration" not in value or set(value) - allowed:
            raise SpecError(owner, f"{key} route options must be a dict with 'integration' (and "
                            f"optionally 'authorizer', 'return_response'), got keys {sorted(value)}")
        return WebSocketRouteOptions(**value)
    return WebSocketRouteOptions(integration=value)


class WebSocketApi(StagedApi):
    """A WebSocket API (``aws-apigatewayv2.WebSocketApi``).

    ``route_selection_expression`` is evaluated on each JSON message, e.g.
    ``$request.body.action`` or ``${request.body.a}/${request.body.b}``. The special routes can
    be given as ``connect_route_options={"integration": ...}`` (or an integration alone).
    """

    kind = "WebSocketApi"

    def __init__(
        self,
        id: str,  # noqa: A002
        *,
        api_name: str | None = None,
        description: str | None = None,
        route_selection_expression: str = "$request.body.action",
        connect_route_options: Any = None,
        disconnect_route_options: Any = None,
        default_route_options: Any = None,
    ) -> None:
        super().__init__(id)
        if not isinstance(route_selection_expression, str) or not _SELECTION_RE.match(
            route_selection_expression
        ):
            raise self.error(
                f"route_selection_expression {route_selection_expression!r} must be "
                "'$request.body.PATH' or a template of '${request.body.PATH}' parts"
            )
        self.api_name = expect_text(self.label, "api_name", api_name, max_length=128) or id
        self.description = expect_text(self.label, "description", description)
        self.route_selection_expression = route_selection_expression
        self.routes: dict[str, WebSocketRoute] = {}
        for key, value in (
            ("$connect", connect_route_options),
            ("$disconnect", disconnect_route_options),
            ("$default", default_route_options),
        ):
            opts = _options(self.label, key, value)
            if opts is not None:
                self.add_route(
                    key, integration=opts.integration, authorizer=opts.authorizer,
                    return_response=opts.return_response,
                )

    def add_route(
        self,
        route_key: str,
        *,
        integration: WebSocketRouteIntegration,
        authorizer: Any = None,
        return_response: bool = False,
    ) -> WebSocketRoute:
        """Add a route selected when the selection expression evaluates to ``route_key``.

        ``return_response=True`` makes it a two-way route: the integration's response body is
        sent to the client. Only ``$connect`` may have an ``authorizer``
        (a :class:`~pytest_apigw.WebSocketLambdaAuthorizer`).
        """
        if not isinstance(route_key, str) or not _ROUTE_KEY_RE.match(route_key):
            raise self.error(f"route key {route_key!r} must be 1-128 non-blank characters")
        if route_key.startswith("$") and route_key not in SPECIAL_ROUTE_KEYS:
            raise self.error(
                f"route key {route_key!r}: keys starting with '$' are reserved; "
                f"use one of {', '.join(SPECIAL_ROUTE_KEYS)}"
            )
        if not isinstance(integration, WebSocketRouteIntegration):
            raise self.error(
                f"route {route_key!r}: integration must be a LambdaWebSocketIntegration, got "
                f"{type(integration).__name__} {integration!r}"
            )
        if route_key in self.routes:
            raise self.error(f"route {route_key!r} already exists in this API (ConflictException)")
        check_websocket_route_authorizer(self, route_key, authorizer)
        expect_bool(self.label, f"route {route_key!r}: return_response", return_response)
        route = WebSocketRoute(route_key, integration, authorizer, return_response)
        self.routes[route_key] = route
        self.version += 1
        return route

    def add_stage(self, id: str, **kwargs: Any) -> WebSocketStage:  # noqa: A002
        """Add a stage (same keywords as :class:`WebSocketStage`)."""
        return WebSocketStage(id, web_socket_api=self, **kwargs)



class WebSocketStage(Stage):
    """A stage of a :class:`WebSocketApi`; WebSocket stages cannot be ``$default``.

    ``access_log_format`` (AWS's ``AccessLogSettings.Format``) writes one line per CONNECT,
    MESSAGE and DISCONNECT event to ``deployment.access_log``.
    """

    kind = "WebSocketStage"

    def __init__(
        self,
        id: str,  # noqa: A002
        *,
        web_socket_api: WebSocketApi,
        stage_name: str,
        auto_deploy: bool = False,
        stage_variables: dict[str, str] | None = None,
        throttle: ThrottleSettings | None = None,
        route_throttles: dict[str, ThrottleSettings] | None = None,
        access_log_format: str | None = None,
    ) -> None:
        super().__init__(
            id, stage_name=stage_name, auto_deploy=auto_deploy, stage_variables=stage_variables,
            throttle=throttle, route_throttles=route_throttles, access_log_format=access_log_format,
        )
        if stage_name == "$default":
            raise self.error("a WebSocket API stage cannot be named '$default'; use e.g. 'dev'")
        if not isinstance(web_socket_api, WebSocketApi):
            raise self.error(f"web_socket_api must be a WebSocketApi, got {web_socket_api!r}")
        self.api = web_socket_api
        web_socket_api._add_stage(self)
