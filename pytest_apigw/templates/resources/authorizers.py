"""``AWS::ApiGatewayV2::Authorizer`` → JWT, Lambda (HTTP API) or WebSocket Lambda authorizers."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pytest_apigw.errors import SpecError
from pytest_apigw.spec import (
    HttpJwtAuthorizer,
    HttpLambdaAuthorizer,
    HttpLambdaResponseType,
    WebSocketLambdaAuthorizer,
)
from pytest_apigw.templates.resources import functions

if TYPE_CHECKING:
    from pytest_apigw.templates.build import Build

AUTHORIZER = "AWS::ApiGatewayV2::Authorizer"


def settings(props: dict[str, Any]) -> dict[str, Any]:
    """The template spelling of an authorizer, as keywords of :func:`make`."""
    jwt = props.get("JwtConfiguration") or {}
    return {
        "type": str(props.get("AuthorizerType", "")).upper(),
        "name": props.get("Name"),
        "identity_source": props.get("IdentitySource"),
        "issuer": jwt.get("Issuer"),
        "audience": jwt.get("Audience"),
        "uri": props.get("AuthorizerUri"),
        "payload": props.get("AuthorizerPayloadFormatVersion"),
        "simple": props.get("EnableSimpleResponses"),
        "ttl": props.get("AuthorizerResultTtlInSeconds"),
    }


def check_permission(build: Build, spec: Any, api_id: str, authorizer_id: str) -> Any:
    """Mark a Lambda authorizer whose function API Gateway may not invoke (the permission CDK and
    SAM write has ``SourceArn`` ``<api>/authorizers/<id>`` or ``<api>/authorizers/*``)."""
    if isinstance(spec, HttpLambdaAuthorizer | WebSocketLambdaAuthorizer):
        arn = f"arn:aws:execute-api:us-east-1:123456789012:{api_id}/authorizers/{authorizer_id}"
        spec.missing_permission = functions.invoke_denied(build, spec.handler.id, [arn])
    return spec


def make(build: Build, logical_id: str, *, websocket: bool, type: str, name: Any = None,  # noqa: A002
         identity_source: Any = None, issuer: Any = None, audience: Any = None, uri: Any = None,
         payload: Any = None, simple: Any = None, ttl: Any = None) -> Any:
    """Build the authorizer spec (``logical_id`` names the resource in errors)."""
    spec_id = logical_id if logical_id[:1].isalnum() else f"Auth{logical_id}"
    sources = [identity_source] if isinstance(identity_source, str) else list(identity_source or [])
    try:
        if type == "JWT":
            return HttpJwtAuthorizer(spec_id, build.upstreams.issuer_for(str(issuer)),
                                     jwt_audience=list(audience or []),
                                     identity_source=sources or ["$request.header.Authorization"],
                                     authorizer_name=name)
        if type == "REQUEST":
            fn = functions.function_for_uri(build, logical_id, "AuthorizerUri", uri)
            if websocket:
                return WebSocketLambdaAuthorizer(spec_id, fn, identity_source=sources, authorizer_name=name,
                                                 results_cache_ttl=float(ttl or 0))
            kind = HttpLambdaResponseType.SIMPLE if simple else HttpLambdaResponseType.IAM
            return HttpLambdaAuthorizer(spec_id, fn, response_types=[kind], identity_source=sources,
                                        results_cache_ttl=float(ttl or 0),
                                        payload_format_version=str(payload or "2.0"), authorizer_name=name)
    except SpecError as exc:
        if exc.construct.startswith("AWS::"):
            raise
        raise SpecError(build.label(logical_id), exc.reason) from None
    raise build.error(logical_id, "AuthorizerType", f"{type!r} is not JWT or REQUEST")
