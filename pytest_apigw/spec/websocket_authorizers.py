"""WebSocket route authorizers (CDK ``aws-apigatewayv2-authorizers`` ``WebSocketLambdaAuthorizer``).

Only ``$connect`` may have one (``apigateway-websocket-api-route-keys-connect-disconnect.md``);
:class:`~pytest_apigw.WebSocketApi` rejects it on any other route. The Lambda ``REQUEST``
authorizer answers with an IAM policy (WebSocket APIs have no simple responses); its
``principalId`` and ``context`` reach ``requestContext.authorizer`` of every event of the
connection (``apigateway-websocket-api-lambda-auth.md``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import timedelta
from typing import Any

from pytest_apigw.spec._base import Construct, expect_text
from pytest_apigw.spec.authorizers import authorizer_function, cache_ttl
from pytest_apigw.spec.function import Function

#: CDK's patterns: ``route.request.header|querystring.X``, ``stageVariables.X``, ``context.X``.
_SOURCE_RE = re.compile(
    r"^(route\.request\.(header|querystring)\.[A-Za-z0-9._\-]+|stageVariables\.[A-Za-z0-9._\-]+"
    r"|context\.[A-Za-z0-9._\-]+)\Z"
)
DEFAULT_WEBSOCKET_IDENTITY_SOURCE = ("route.request.header.Authorization",)
#: AWS's ``CreateRoute`` answer for an authorizer on another route than ``$connect``.
CONNECT_ONLY = "Currently, authorization is restricted to the $connect route only (BadRequestException)"


class WebSocketRouteAuthorizer(Construct):
    """Base of the WebSocket authorizers; ``authorization_type`` is the route's ``AuthorizationType``."""

    kind = "WebSocketRouteAuthorizer"
    authorization_type = "NONE"
    identity_source: tuple[str, ...] = ()


class WebSocketLambdaAuthorizer(WebSocketRouteAuthorizer):
    """A Lambda ``REQUEST`` authorizer for ``$connect``
    (``WebSocketLambdaAuthorizer(id, handler, identity_source=["route.request.header.Auth"])``).

    ``handler`` is a :class:`Function` (or a plain callable, wrapped in one) returning an IAM
    policy ``{"principalId", "policyDocument", "context"}``. A missing identity source rejects the
    handshake with 401 without invoking it; a Deny with 403; a failure or invalid answer with 500
    (an ``Unauthorized`` error with 401, as REST and WebSocket authorizers do).

    ``results_cache_ttl`` is an emulator option, not a CDK property: AWS documents
    ``authorizerResultTtlInSeconds`` for HTTP APIs only, so the default 0 (no caching) is what
    AWS does; a positive value caches answers per identity-source values, as HTTP APIs do.

    ``missing_permission``: set by :func:`~pytest_apigw.load_template` when no
    ``AWS::Lambda::Permission`` lets API Gateway invoke the function (requests then fail with 500,
    as on AWS); authorizers built in Python are always permitted.
    """

    kind = "WebSocketLambdaAuthorizer"
    authorization_type = "CUSTOM"
    missing_permission: str | None = None

    def __init__(
        self,
        id: str,  # noqa: A002
        handler: Function | Callable[[Any, Any], Any],
        *,
        identity_source: Iterable[str] = DEFAULT_WEBSOCKET_IDENTITY_SOURCE,
        authorizer_name: str | None = None,
        results_cache_ttl: timedelta | float = 0,
    ) -> None:
        super().__init__(id)
        self.handler = authorizer_function(self, handler)
        self.identity_source = self._identity_source(identity_source)
        self.results_cache_ttl = cache_ttl(self, results_cache_ttl, self.identity_source)
        self.authorizer_name = expect_text(self.label, "authorizer_name", authorizer_name,
                                           max_length=128) or id

    def _identity_source(self, value: Any) -> tuple[str, ...]:
        if isinstance(value, str) or not isinstance(value, Iterable):
            raise self.error(f"identity_source must be a list of selection expressions, got {value!r}")
        sources = tuple(value)
        for source in sources:
            if not isinstance(source, str) or not _SOURCE_RE.match(source):
                hint = " (WebSocket sources have no '$')" if isinstance(source, str) and \
                    source.startswith("$") else ""
                raise self.error(
                    f"identity_source {source!r} is not a valid WebSocket selection expression{hint}: "
                    "use route.request.header.<name>, route.request.querystring.<name>, "
                    "stageVariables.<name> or context.<variable>"
                )
        if len(set(sources)) != len(sources):
            raise self.error(f"identity_source has duplicates: {list(sources)!r}")
        return sources


def check_websocket_route_authorizer(owner: Construct, route_key: str, authorizer: Any) -> None:
    """The route-level rules: a WebSocket authorizer, and only on ``$connect``."""
    if authorizer is None:
        return
    if not isinstance(authorizer, WebSocketRouteAuthorizer):
        raise owner.error(
            f"route {route_key!r}: authorizer must be a WebSocketLambdaAuthorizer, got "
            f"{type(authorizer).__name__} {authorizer!r}"
        )
    if route_key != "$connect":
        raise owner.error(f"route {route_key!r} cannot have an authorizer: {CONNECT_ONLY}")
