"""HTTP APIs: the API (with CORS), one integration and one authorizer per spec object, routes, stages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from pytest_apigw.errors import SpecError
from pytest_apigw.spec.authorizers import HttpJwtAuthorizer, HttpLambdaAuthorizer
from pytest_apigw.spec.integrations import (
    HttpAlbIntegration,
    HttpNlbIntegration,
    HttpProxyIntegration,
    HttpServiceDiscoveryIntegration,
    LambdaProxyIntegration,
)
from pytest_apigw_localstack.translate import access_logs, cloud_map, functions, network
from pytest_apigw_localstack.translate.context import Context


def _mapping(integration: Any) -> dict[str, Any]:
    """``RequestParameters`` and ``ResponseParameters`` (by status code) of an integration's
    parameter mappings (the spec holds them validated, as plain dicts)."""
    out: dict[str, Any] = {}
    request = getattr(integration, "parameter_mapping", None)
    if request:
        out["RequestParameters"] = dict(request)
    response = getattr(integration, "response_parameter_mapping", None)
    if response:
        out["ResponseParameters"] = {str(code): dict(entries) for code, entries in response.items()}
    return out


def _private(ctx: Context, integration: Any, uri: str, link: Any) -> dict[str, Any]:
    params: dict[str, Any] = {
        "IntegrationType": "HTTP_PROXY", "ConnectionType": "VPC_LINK",
        "ConnectionId": network.vpc_link(ctx, link, per_vpc=getattr(integration, "implicit_vpc_link", False)),
        "IntegrationUri": uri,
        "IntegrationMethod": integration.method, "PayloadFormatVersion": "1.0",
    }
    if integration.secure_server_name:
        params["TlsConfig"] = {"ServerNameToVerify": integration.secure_server_name}
    return params


def _lambda(ctx: Context, integration: LambdaProxyIntegration) -> dict[str, Any]:
    return {"IntegrationType": "AWS_PROXY", "IntegrationMethod": "POST",
            "IntegrationUri": functions.function_arn(ctx, integration.handler),
            "PayloadFormatVersion": integration.payload_format_version}


def _http(ctx: Context, integration: HttpProxyIntegration) -> dict[str, Any]:
    return {"IntegrationType": "HTTP_PROXY", "IntegrationUri": ctx.upstreams.url(integration.url),
            "IntegrationMethod": integration.method, "PayloadFormatVersion": "1.0"}


def _load_balancer(ctx: Context, integration: Any) -> dict[str, Any]:
    return _private(ctx, integration, network.listener_arn(ctx, integration.listener), integration.vpc_link)


def _service(ctx: Context, integration: HttpServiceDiscoveryIntegration) -> dict[str, Any]:
    arn = cloud_map.service(ctx, integration.service)["Arn"]
    return _private(ctx, integration, arn, integration.vpc_link)


def refuse_unprovisionable(api: Any) -> None:
    """A :class:`SpecError` for what the AWS API has no setting for (checked before anything
    is created): nothing a spec says is silently dropped."""
    for route in api.routes.values():
        integration = route.integration
        if isinstance(integration, HttpServiceDiscoveryIntegration) and integration.attribute_filters:
            raise SpecError(
                integration.label, "attribute_filters cannot be provisioned: API Gateway's Cloud Map "
                "integrations have no such setting (it is an emulator option); leave it out on this "
                "backend, or register only the instances the API should reach",
            )


#: How each integration type becomes CreateIntegration parameters (a new type: one line here).
BUILDERS: dict[type, Callable[[Context, Any], dict[str, Any]]] = {
    LambdaProxyIntegration: _lambda,
    HttpProxyIntegration: _http,
    HttpAlbIntegration: _load_balancer,
    HttpNlbIntegration: _load_balancer,
    HttpServiceDiscoveryIntegration: _service,
}


def create_api(ctx: Context, api: Any) -> dict[str, Any]:
    """CreateApi (HTTP); the API is in the ledger before anything else can fail."""
    kwargs: dict[str, Any] = {
        "Name": ctx.names.name(api.api_name, 128), "ProtocolType": "HTTP",
        "Tags": ctx.names.tags(api.label),
        "DisableExecuteApiEndpoint": bool(api.disable_execute_api_endpoint),
    }
    if api.description:
        kwargs["Description"] = api.description
    cors = _cors(api.cors_preflight)
    if cors:
        kwargs["CorsConfiguration"] = cors
    created = ctx.clients.apigatewayv2.create_api(**kwargs)
    ctx.ledger.add("api", created["ApiId"])
    return cast("dict[str, Any]", created)


def _cors(options: Any) -> dict[str, Any] | None:
    """``CorsConfiguration`` as CDK writes it: only what is set (no empty lists, no
    ``AllowCredentials: false``), ``MaxAge`` in whole seconds."""
    if options is None:
        return None
    if isinstance(options, dict):
        return dict(options)
    lists = {"allow_origins": "AllowOrigins", "allow_methods": "AllowMethods",
             "allow_headers": "AllowHeaders", "expose_headers": "ExposeHeaders"}
    out: dict[str, Any] = {}
    for attr, key in lists.items():
        values = [str(getattr(v, "value", v)) for v in getattr(options, attr, None) or ()]
        if values:
            out[key] = values
    if getattr(options, "allow_credentials", False):
        out["AllowCredentials"] = True
    max_age = getattr(options, "max_age_seconds", None)
    if max_age is not None:
        out["MaxAge"] = int(max_age)
    return out


def integration_id(ctx: Context, api_id: str, integration: Any) -> str:
    """One AWS integration per integration object of the spec (shared by its routes)."""

    def create() -> str:
        builder = BUILDERS.get(type(integration))
        if builder is None:
            raise SpecError(integration.label, "this integration type cannot be provisioned through the "
                                               "AWS API by this backend")
        params = builder(ctx, integration)
        params.update(_mapping(integration))
        params["TimeoutInMillis"] = int(round(integration.timeout * 1000))
        created = ctx.clients.apigatewayv2.create_integration(ApiId=api_id, **params)
        return cast(str, created["IntegrationId"])

    return ctx.once(f"integration:{api_id}", integration, create)


def authorizer_id(ctx: Context, api_id: str, authorizer: Any) -> str:
    """CreateAuthorizer, once per authorizer object and API (shared by its routes), as CDK does.

    JWT: ``JwtConfiguration`` from the issuer and audience. Lambda: a ``REQUEST`` authorizer whose
    ``AuthorizerUri`` is the packaged function's invocation URI, plus CDK's invoke permission
    (source ARN ``<api>/authorizers/<authorizerId>``). Authorizers are deleted with their API.
    """

    def create() -> str:
        # IdentitySource is a required parameter, empty for a Lambda authorizer without one
        # (allowed when results are not cached: ``http-api-lambda-authorizer.md``)
        params: dict[str, Any] = {"ApiId": api_id, "Name": authorizer.authorizer_name[:128],
                                  "IdentitySource": list(authorizer.identity_source)}
        function_arn = None
        if isinstance(authorizer, HttpJwtAuthorizer):
            params["AuthorizerType"] = "JWT"
            params["JwtConfiguration"] = {"Issuer": authorizer.jwt_issuer,
                                          "Audience": list(authorizer.jwt_audience)}
        elif isinstance(authorizer, HttpLambdaAuthorizer):
            function_arn = functions.function_arn(ctx, authorizer.handler)
            params["AuthorizerType"] = "REQUEST"
            params["AuthorizerUri"] = functions.invocation_uri(ctx, function_arn)
            params["AuthorizerPayloadFormatVersion"] = authorizer.payload_format_version
            if authorizer.payload_format_version == "2.0":
                params["EnableSimpleResponses"] = authorizer.simple_responses
            params["AuthorizerResultTtlInSeconds"] = int(round(authorizer.results_cache_ttl))
        else:
            raise SpecError(authorizer.label, "this authorizer type cannot be provisioned through the "
                                              "AWS API by this backend")
        created = ctx.clients.apigatewayv2.create_authorizer(**params)
        ctx.ledger.add("authorizer", created["AuthorizerId"], api=api_id)
        if function_arn is not None and not authorizer.missing_permission:  # a template without one
            functions.allow_api_gateway(ctx, function_arn, api_id, f"authorizers/{created['AuthorizerId']}")
        return cast(str, created["AuthorizerId"])

    return ctx.once(f"authorizer:{api_id}", authorizer, create)


def _authorization(ctx: Context, api_id: str, route: Any) -> dict[str, Any]:
    """The route's ``AuthorizationType`` (NONE, JWT, CUSTOM), ``AuthorizerId`` and scopes."""
    authorizer = route.authorizer
    kind = getattr(authorizer, "authorization_type", "NONE") if authorizer is not None else "NONE"
    if kind == "NONE":
        return {"AuthorizationType": "NONE"}
    out: dict[str, Any] = {"AuthorizationType": kind, "AuthorizerId": authorizer_id(ctx, api_id, authorizer)}
    if route.authorization_scopes:
        out["AuthorizationScopes"] = list(route.authorization_scopes)
    return out


def add_route(ctx: Context, api_id: str, route: Any) -> str:
    """CreateRoute targeting its integration, with its authorizer; a Lambda target gets CDK's
    invoke permission (unless its template had none: ``missing_permission``, as deployed)."""
    target = integration_id(ctx, api_id, route.integration)
    created = ctx.clients.apigatewayv2.create_route(
        ApiId=api_id, RouteKey=route.key, Target=f"integrations/{target}",
        **_authorization(ctx, api_id, route),
    )
    if isinstance(route.integration, LambdaProxyIntegration) and not route.integration.missing_permission:
        path = route.route_key.path or ""
        functions.allow_api_gateway(ctx, functions.function_arn(ctx, route.integration.handler),
                                    api_id, f"*/*{path}")
    return cast(str, created["RouteId"])


def _route_settings(settings: Any) -> dict[str, Any]:
    """``ThrottleSettings`` as CloudFormation's / the API's ``RouteSettings``."""
    out: dict[str, Any] = {}
    if settings.burst_limit is not None:
        out["ThrottlingBurstLimit"] = settings.burst_limit
    if settings.rate_limit is not None:
        out["ThrottlingRateLimit"] = settings.rate_limit
    return out


def throttling(stage: Any) -> dict[str, Any]:
    """``DefaultRouteSettings`` / ``RouteSettings`` of CreateStage for a stage's throttling."""
    kwargs: dict[str, Any] = {}
    if stage.throttle is not None:
        kwargs["DefaultRouteSettings"] = _route_settings(stage.throttle)
    if stage.route_throttles:
        kwargs["RouteSettings"] = {key: _route_settings(s) for key, s in stage.route_throttles.items()}
    return kwargs


def add_stage(ctx: Context, api_id: str, stage: Any) -> None:
    """CreateStage (throttling and access logs included); a stage without auto-deploy gets a first
    deployment of the current routes."""
    access_logs.create_stage(
        ctx, stage, ctx.clients.apigatewayv2.create_stage,
        ApiId=api_id, StageName=stage.stage_name, AutoDeploy=stage.auto_deploy,
        StageVariables=dict(stage.stage_variables), Tags=ctx.names.tags(stage.label), **throttling(stage),
    )
    if not stage.auto_deploy:
        deploy_stage(ctx, api_id, stage.stage_name)


def deploy_stage(ctx: Context, api_id: str, stage_name: str) -> str:
    """CreateDeployment into ``stage_name``."""
    created = ctx.clients.apigatewayv2.create_deployment(ApiId=api_id, StageName=stage_name)
    return cast(str, created["DeploymentId"])
