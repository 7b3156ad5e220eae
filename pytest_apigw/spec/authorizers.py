"""Route authorizers (CDK ``aws-apigatewayv2-authorizers``): JWT, Lambda and "none".

Validated as ``CreateAuthorizer`` validates them (``http-api-jwt-authorizer.md``,
``http-api-lambda-authorizer.md``). One deliberate difference: AWS only accepts an ``https``
issuer; an ``http`` issuer is accepted here when its host is loopback (``127.0.0.1``,
``localhost``, ``::1``), so a test can serve its own OIDC discovery and JWKS documents.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Iterable
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from pytest_apigw.spec._base import Construct, expect_items, expect_text
from pytest_apigw.spec.function import Function

#: Where an identity source may point (``$request.header.X``, ``$request.querystring.X``,
#: ``$context.X``, ``$stageVariables.X``).
#: "Audiences per authorizer: 50" (HTTP API quotas; cannot be increased).
MAX_AUDIENCES = 50
_SOURCE_RE = re.compile(
    r"^\$(request\.header\.[!#$%&'*+\-.^_`|~0-9A-Za-z]+|request\.querystring\.[^\s&=]+"
    r"|context\.[A-Za-z][A-Za-z0-9_.]*|stageVariables\.[A-Za-z0-9_]+)\Z"
)
_LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
#: AWS's bound on ``authorizerResultTtlInSeconds``.
MAX_CACHE_TTL = 3600
DEFAULT_IDENTITY_SOURCE = ("$request.header.Authorization",)


class HttpLambdaResponseType(enum.Enum):
    """What a Lambda authorizer returns: ``{"isAuthorized": ...}`` (SIMPLE) or an IAM policy."""

    SIMPLE = "SIMPLE"
    IAM = "IAM"


class HttpRouteAuthorizer(Construct):
    """Base of the authorizers; ``authorization_type`` is the route's ``AuthorizationType``."""

    kind = "HttpRouteAuthorizer"
    authorization_type = "NONE"
    identity_source: tuple[str, ...] = ()

    def _identity_source(self, value: Any, *, jwt: bool) -> tuple[str, ...]:
        if isinstance(value, str) or not isinstance(value, Iterable):
            raise self.error(f"identity_source must be a list of selection expressions, got {value!r}")
        sources = tuple(value)
        for source in sources:
            if not isinstance(source, str) or not _SOURCE_RE.match(source):
                raise self.error(
                    f"identity_source {source!r} is not a valid selection expression: use "
                    "$request.header.<name>, $request.querystring.<name>, $context.<variable> "
                    "or $stageVariables.<name>"
                )
        if len(set(sources)) != len(sources):
            raise self.error(f"identity_source has duplicates: {list(sources)!r}")
        request_sources = ("$request.header.", "$request.querystring.")
        if jwt and (len(sources) != 1 or not sources[0].startswith(request_sources)):
            raise self.error(
                "a JWT authorizer takes exactly one identity_source, a header or query string "
                f"($request.header.Authorization), got {list(sources)!r}"
            )
        return sources


class HttpNoneAuthorizer(HttpRouteAuthorizer):
    """No authorization: a route given this opts out of the API's ``default_authorizer``."""

    kind = "HttpNoneAuthorizer"

    def __init__(self) -> None:
        super().__init__("None")


class HttpJwtAuthorizer(HttpRouteAuthorizer):
    """A JWT authorizer (``HttpJwtAuthorizer(id, jwt_issuer, jwt_audience=[...])``).

    Tokens are RSA-signed JWTs whose keys come from the issuer's
    ``/.well-known/openid-configuration`` → ``jwks_uri``; ``iss`` must equal ``jwt_issuer`` and
    ``aud`` (or ``client_id`` when there is no ``aud``) one of ``jwt_audience``.
    """

    kind = "HttpJwtAuthorizer"
    authorization_type = "JWT"

    def __init__(
        self,
        id: str,  # noqa: A002
        jwt_issuer: str,
        *,
        jwt_audience: Iterable[str],
        identity_source: Iterable[str] = DEFAULT_IDENTITY_SOURCE,
        authorizer_name: str | None = None,
    ) -> None:
        super().__init__(id)
        self.jwt_issuer = self._issuer(jwt_issuer)
        if jwt_audience is None or isinstance(jwt_audience, str):
            raise self.error(f"jwt_audience must be a non-empty list of strings, got {jwt_audience!r}")
        audience = expect_items(self.label, "jwt_audience", jwt_audience)
        if not audience or not all(isinstance(a, str) and a for a in audience):
            raise self.error(f"jwt_audience must be a non-empty list of strings, got {list(audience)!r}")
        if len(audience) > MAX_AUDIENCES:
            raise self.error(f"jwt_audience has {len(audience)} entries; AWS allows at most {MAX_AUDIENCES} "
                             "per authorizer (HTTP API quota, cannot be raised)")
        self.jwt_audience = audience
        self.identity_source = self._identity_source(identity_source, jwt=True)
        self.authorizer_name = _name(self, authorizer_name)

    def _issuer(self, issuer: Any) -> str:
        if not isinstance(issuer, str):
            raise self.error(f"jwt_issuer must be a URL string, got {issuer!r}")
        parts = urlsplit(issuer)
        loopback_http = parts.scheme == "http" and parts.hostname in _LOOPBACK_HOSTS
        if not (parts.scheme == "https" or loopback_http) or not parts.hostname:
            raise self.error(
                f"jwt_issuer must be an https URL (http is accepted only for 127.0.0.1/localhost "
                f"test issuers), got {issuer!r}"
            )
        return issuer


class HttpLambdaAuthorizer(HttpRouteAuthorizer):
    """A Lambda (``REQUEST``) authorizer.

    ``handler`` is a :class:`Function` (or a plain callable, wrapped in one). Responses are
    ``{"isAuthorized": bool, "context": {...}}`` with ``HttpLambdaResponseType.SIMPLE`` (payload
    2.0 only) and IAM policies with ``HttpLambdaResponseType.IAM`` (the default). Results are
    cached per identity-source values for ``results_cache_ttl`` (0 turns caching off).

    ``missing_permission``: set by :func:`~pytest_apigw.load_template` when no
    ``AWS::Lambda::Permission`` lets API Gateway invoke the function (requests then fail with 500,
    as on AWS); authorizers built in Python are always permitted.
    """

    kind = "HttpLambdaAuthorizer"
    authorization_type = "CUSTOM"
    missing_permission: str | None = None

    def __init__(
        self,
        id: str,  # noqa: A002
        handler: Function | Callable[[Any, Any], Any],
        *,
        response_types: Iterable[HttpLambdaResponseType] = (HttpLambdaResponseType.IAM,),
        identity_source: Iterable[str] = DEFAULT_IDENTITY_SOURCE,
        results_cache_ttl: timedelta | float = timedelta(minutes=5),
        payload_format_version: str = "2.0",
        authorizer_name: str | None = None,
    ) -> None:
        super().__init__(id)
        self.handler = authorizer_function(self, handler)
        types = expect_items(self.label, "response_types", response_types)
        if not types or not all(isinstance(t, HttpLambdaResponseType) for t in types):
            raise self.error(
                f"response_types must be a non-empty list of HttpLambdaResponseType, got {types!r}"
            )
        self.response_types = frozenset(types)
        if payload_format_version not in ("1.0", "2.0"):
            raise self.error(f"payload_format_version must be '1.0' or '2.0', got {payload_format_version!r}")
        self.payload_format_version = payload_format_version
        if self.simple_responses and payload_format_version != "2.0":
            raise self.error(
                "simple responses (HttpLambdaResponseType.SIMPLE) need payload_format_version '2.0'"
            )
        self.identity_source = self._identity_source(identity_source, jwt=False)
        self.results_cache_ttl = cache_ttl(self, results_cache_ttl, self.identity_source)
        self.authorizer_name = _name(self, authorizer_name)

    @property
    def simple_responses(self) -> bool:
        """AWS's ``enableSimpleResponses``."""
        return HttpLambdaResponseType.SIMPLE in self.response_types


def _name(owner: Construct, name: Any) -> str:
    """``authorizer_name`` checked (one line, at most 128 characters), or the id."""
    return expect_text(owner.label, "authorizer_name", name, max_length=128) or owner.id


def authorizer_function(owner: Construct, handler: Any) -> Function:
    """A Lambda authorizer's function: a :class:`Function`, or a callable wrapped in one."""
    if isinstance(handler, Function):
        return handler
    if callable(handler):
        return Function(f"{owner.id}Handler", handler=handler)
    raise owner.error(f"handler must be a Function or a callable, got {handler!r}")


def cache_ttl(owner: Construct, value: timedelta | float, identity_source: tuple[str, ...]) -> float:
    """A result-cache TTL in seconds (0 to 3600; caching needs an identity source)."""
    ttl = value.total_seconds() if isinstance(value, timedelta) else value
    if isinstance(ttl, bool) or not isinstance(ttl, int | float) or not 0 <= ttl <= MAX_CACHE_TTL:
        raise owner.error(f"results_cache_ttl must be 0 to {MAX_CACHE_TTL} seconds, got {value!r}")
    if ttl and not identity_source:
        raise owner.error("caching (results_cache_ttl > 0) needs at least one identity_source")
    return float(ttl)


def check_route_authorizer(
    owner: Construct, route_key: str, authorizer: Any, scopes: tuple[str, ...]
) -> None:
    """The route-level rules: a known authorizer type; scopes only with a JWT authorizer."""
    if authorizer is not None and not isinstance(authorizer, HttpRouteAuthorizer):
        raise owner.error(
            f"route {route_key!r}: authorizer must be HttpJwtAuthorizer, HttpLambdaAuthorizer or "
            f"HttpNoneAuthorizer, got {type(authorizer).__name__} {authorizer!r}"
        )
    if scopes:
        if not all(isinstance(s, str) and s for s in scopes):
            raise owner.error(f"route {route_key!r}: authorization_scopes must be non-empty strings")
        if not isinstance(authorizer, HttpJwtAuthorizer):
            raise owner.error(
                f"route {route_key!r}: authorization_scopes are supported only with a JWT "
                f"authorizer (BadRequestException), the route has {authorizer!r}"
            )
