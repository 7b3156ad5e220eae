"""OpenAPI 3 (and 2.0) documents with API Gateway's extensions → routes of an HttpApi spec.

Read: ``paths`` (``x-amazon-apigateway-any-method`` is ``ANY``, ``/$default`` the ``$default``
route, also spelled ``$default`` as SAM's transform writes it), ``x-amazon-apigateway-integration``
(inline or ``$ref`` to ``components/x-amazon-apigateway-integrations``), ``x-amazon-apigateway-cors``, and
``securitySchemes`` with ``x-amazon-apigateway-authorizer`` used through ``security``.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from pytest_apigw.errors import SpecError
from pytest_apigw.spec import CorsPreflightOptions, HttpApi
from pytest_apigw.templates.physical import short_id

if TYPE_CHECKING:
    from pytest_apigw.templates.build import Build
    from pytest_apigw.templates.resources.apis import RouteArns

METHODS = ("get", "put", "post", "delete", "options", "head", "patch")
ANY_METHOD = "x-amazon-apigateway-any-method"
INTEGRATION = "x-amazon-apigateway-integration"


def is_document(value: Any) -> bool:
    """True for an OpenAPI (or Swagger) document rather than a CloudFormation template."""
    return isinstance(value, dict) and ("openapi" in value or "swagger" in value) and "paths" in value


def as_template(document: dict[str, Any]) -> dict[str, Any]:
    """A template holding the document as the ``Body`` of one HTTP API with a ``$default`` stage
    (what ``aws apigatewayv2 import-api`` plus an auto-deploy stage make)."""
    title = str((document.get("info") or {}).get("title") or "Api")
    logical_id = re.sub(r"[^A-Za-z0-9]", "", title) or "Api"
    if not logical_id[0].isalpha():
        logical_id = f"Api{logical_id}"
    return {"Resources": {
        logical_id: {"Type": "AWS::ApiGatewayV2::Api", "Properties": {"Body": document}},
        f"{logical_id}DefaultStage": {"Type": "AWS::ApiGatewayV2::Stage", "Properties": {
            "ApiId": {"Ref": logical_id}, "StageName": "$default", "AutoDeploy": True}},
    }}


def import_into(build: Build, logical_id: str, spec: Any, document: dict[str, Any], arns: RouteArns) -> None:
    """Add the document's routes (with integrations and authorizers) to ``spec``."""
    from pytest_apigw.templates.resources import apis, authorizers, integrations

    if not isinstance(spec, HttpApi):
        raise build.error(logical_id, "Body", "an OpenAPI Body is for HTTP APIs only")
    where = f"{build.label(logical_id)} Body"
    cors = document.get("x-amazon-apigateway-cors")
    if cors is not None:  # present, even empty (SAM writes {} for a CorsConfiguration of defaults)
        spec.cors_preflight = CorsPreflightOptions(
            allow_origins=cors.get("allowOrigins"), allow_methods=cors.get("allowMethods"),
            allow_headers=cors.get("allowHeaders"), expose_headers=cors.get("exposeHeaders"),
            allow_credentials=bool(cors.get("allowCredentials", False)), max_age=cors.get("maxAge"),
        )
    schemes = {**(document.get("securityDefinitions") or {}),
               **((document.get("components") or {}).get("securitySchemes") or {})}
    made: dict[str, Any] = {}

    def authorizer(requirement: Any) -> tuple[Any, list[str]]:
        if not requirement:
            return None, []
        name, scopes = next(iter(requirement[0].items()))
        if name == "NONE" and name not in schemes:
            # SAM's built-in "no authorizer" (an event's ``Auth: {Authorizer: NONE}`` overriding
            # the API's DefaultAuthorizer): the transform writes ``security: [{NONE: []}]``.
            return None, []
        if name not in schemes or "x-amazon-apigateway-authorizer" not in schemes[name]:
            raise SpecError(where, f"security names {name!r}, which is not a securitySchemes entry with "
                                   "x-amazon-apigateway-authorizer")
        if name not in made:
            config = schemes[name]["x-amazon-apigateway-authorizer"]
            jwt = config.get("jwtConfiguration") or {}
            source = config.get("identitySource")
            if isinstance(source, str):
                source = [s.strip() for s in source.split(",")]
            made[name] = authorizers.make(
                build, logical_id, websocket=False, type=str(config.get("type", "")).upper(), name=name,
                identity_source=source, issuer=jwt.get("issuer"), audience=jwt.get("audience"),
                uri=config.get("authorizerUri"), payload=config.get("authorizerPayloadFormatVersion"),
                simple=config.get("enableSimpleResponses"), ttl=config.get("authorizerResultTtlInSeconds"),
            )
            authorizers.check_permission(build, made[name], arns.api_id, short_id(name))
        return made[name], list(scopes or [])

    default_security = document.get("security")
    for path, item in (document.get("paths") or {}).items():
        for method, operation in (item or {}).items():
            if method not in METHODS and method != ANY_METHOD:
                continue
            verb = "ANY" if method == ANY_METHOD else method.upper()
            # ``/$default`` as AWS documents it; SAM's transform writes ``$default`` (no slash)
            route_key = "$default" if path in ("/$default", "$default") else f"{verb} {path}"
            config = _integration(document, operation, where, route_key)
            try:
                integration = integrations.make(
                    build, logical_id, websocket=False, type=str(config.get("type", "")).upper(),
                    uri=config.get("uri"), method=config.get("httpMethod"),
                    payload=config.get("payloadFormatVersion"),
                    connection_type=config.get("connectionType", "INTERNET"),
                    connection_id=config.get("connectionId"), timeout_ms=config.get("timeoutInMillis"),
                    request_parameters=config.get("requestParameters"),
                    response_parameters=config.get("responseParameters"),
                    server_name=(config.get("tlsConfig") or {}).get("serverNameToVerify"),
                    subtype=config.get("integrationSubtype"), prop=f"Body.paths.{path}",
                )
            except integrations.NotServed as exc:
                integrations.leave_out(exc, route_key)
                continue
            auth, scopes = authorizer(operation.get("security", default_security))
            integration = apis.check_permission(build, integration, route_key, arns)
            apis.add_http_route(spec, route_key, integration, auth, scopes)


def _integration(
    document: dict[str, Any], operation: dict[str, Any], where: str, route_key: str
) -> dict[str, Any]:
    config = (operation or {}).get(INTEGRATION)
    if config is None:
        raise SpecError(where, f"route {route_key!r} has no {INTEGRATION}: every route needs an integration")
    ref = config.get("$ref") if isinstance(config, dict) else None
    if ref:
        node: Any = document
        for part in ref.lstrip("#/").split("/"):
            node = node.get(part) if isinstance(node, dict) else None
        if not isinstance(node, dict):
            raise SpecError(where, f"route {route_key!r}: $ref {ref!r} points at nothing")
        config = node
    return config
