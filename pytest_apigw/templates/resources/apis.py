"""``AWS::ApiGatewayV2::Api`` with its ``Stage``, ``Route`` and ``Authorizer`` resources →
an :class:`~pytest_apigw.HttpApi` or :class:`~pytest_apigw.WebSocketApi` spec.

Quick create (``Target``), ``CorsConfiguration`` and an OpenAPI ``Body`` are read too. Each
Lambda route checks the template's ``AWS::Lambda::Permission`` resources against the route's
ARN; a route no permission covers answers 500 as on AWS (``missing_permission``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pytest_apigw.spec import (
    CorsPreflightOptions,
    HttpApi,
    HttpStage,
    LambdaProxyIntegration,
    LambdaWebSocketIntegration,
    ThrottleSettings,
    WebSocketApi,
    WebSocketStage,
)
from pytest_apigw.templates import openapi
from pytest_apigw.templates.intrinsics import scalar_text
from pytest_apigw.templates.physical import lambda_function_name
from pytest_apigw.templates.resources import authorizers, functions, integrations

if TYPE_CHECKING:
    from pytest_apigw.templates.build import Build

API = "AWS::ApiGatewayV2::Api"
STAGE = "AWS::ApiGatewayV2::Stage"
ROUTE = "AWS::ApiGatewayV2::Route"
ROUTE_RESPONSE = "AWS::ApiGatewayV2::RouteResponse"


def api(build: Build, logical_id: str) -> HttpApi | WebSocketApi:
    """The API spec of an ``AWS::ApiGatewayV2::Api`` resource, with everything attached to it."""
    return build.once("api", logical_id, lambda: _api(build, logical_id))


def _api(build: Build, logical_id: str) -> HttpApi | WebSocketApi:
    props = build.props(logical_id)
    if "BodyS3Location" in props:
        raise build.error(logical_id, "BodyS3Location", "an OpenAPI document in S3 cannot be read locally: "
                          "put it inline as Body (or load the document itself with load_template)")
    body = props.get("Body")
    protocol = str(props.get("ProtocolType") or ("HTTP" if body else "")).upper()
    name = props.get("Name") or (((body or {}).get("info") or {}).get("title")) or logical_id
    spec: HttpApi | WebSocketApi
    if protocol == "WEBSOCKET":
        spec = WebSocketApi(logical_id, api_name=str(name), description=props.get("Description"),
                            route_selection_expression=str(props.get("RouteSelectionExpression",
                                                                     "$request.body.action")))
    elif protocol == "HTTP":
        spec = HttpApi(logical_id, api_name=str(name), description=props.get("Description"),
                       cors_preflight=_cors(props.get("CorsConfiguration")),
                       create_default_stage="Target" in props,
                       disable_execute_api_endpoint=bool(props.get("DisableExecuteApiEndpoint", False)))
    else:
        raise build.error(logical_id, "ProtocolType", f"{protocol!r} must be HTTP or WEBSOCKET")
    _stages(build, logical_id, spec)
    arns = RouteArns(build.resolver.physical.ref(logical_id), [s.stage_name for s in spec.stages])
    if "Target" in props:
        _quick_create(build, logical_id, spec, props, arns)
    if body:
        openapi.import_into(build, logical_id, spec, body, arns)
    _routes(build, logical_id, spec, arns)
    return spec


class RouteArns:
    """The ``execute-api`` ARNs of a route on every stage (what permissions are matched on)."""

    def __init__(self, api_id: str, stages: list[str]) -> None:
        self.api_id = api_id
        self.stages = stages or ["$default"]

    def of(self, route_key: str) -> list[str]:
        """ARNs of ``route_key`` (``GET /books/{id}`` → ``.../stage/GET/books/{id}``)."""
        method, _, path = route_key.partition(" ")
        tail = f"{method}{path}" if path else route_key
        return [f"arn:aws:execute-api:us-east-1:123456789012:{self.api_id}/{stage}/{tail}"
                for stage in self.stages]


def check_permission(build: Build, integration: Any, route_key: str, arns: RouteArns) -> Any:
    """Mark a Lambda integration whose function API Gateway may not invoke for the route."""
    if isinstance(integration, LambdaProxyIntegration | LambdaWebSocketIntegration):
        integration.missing_permission = functions.invoke_denied(build, integration.handler.id,
                                                                 arns.of(route_key))
    return integration


def _cors(config: Any) -> CorsPreflightOptions | None:
    if config is None:  # present, even empty, CORS is configured
        return None
    return CorsPreflightOptions(
        allow_origins=config.get("AllowOrigins"), allow_methods=config.get("AllowMethods"),
        allow_headers=config.get("AllowHeaders"), expose_headers=config.get("ExposeHeaders"),
        allow_credentials=bool(config.get("AllowCredentials", False)), max_age=config.get("MaxAge"),
    )


def _stages(build: Build, api_id: str, spec: HttpApi | WebSocketApi) -> None:
    for stage_id in build.of_type(STAGE):
        props = build.props(stage_id)
        if build.owner(props.get("ApiId"), API) != api_id:
            continue
        kwargs: dict[str, Any] = {
            "stage_name": str(props.get("StageName")),
            "auto_deploy": bool(props.get("AutoDeploy", False)),
            "stage_variables": {
                str(k): scalar_text(v) for k, v in (props.get("StageVariables") or {}).items()},
        }
        throttle = _throttle(props.get("DefaultRouteSettings"))
        if throttle is not None:
            kwargs["throttle"] = throttle
        routes = {str(key): _throttle(value) for key, value in (props.get("RouteSettings") or {}).items()}
        if any(routes.values()):
            kwargs["route_throttles"] = {key: value for key, value in routes.items() if value is not None}
        log_format = (props.get("AccessLogSettings") or {}).get("Format")
        if log_format:
            kwargs["access_log_format"] = str(log_format)
        if isinstance(spec, HttpApi):
            if kwargs["stage_name"] == "$default" and any(s.stage_name == "$default" for s in spec.stages):
                continue  # quick create made it already
            HttpStage(stage_id, http_api=spec, **kwargs)
        else:
            WebSocketStage(stage_id, web_socket_api=spec, **kwargs)


def _throttle(settings: Any) -> ThrottleSettings | None:
    """``ThrottlingRateLimit`` / ``ThrottlingBurstLimit`` of a route settings block, if any."""
    settings = settings or {}
    rate, burst = settings.get("ThrottlingRateLimit"), settings.get("ThrottlingBurstLimit")
    if rate is None and burst is None:
        return None
    return ThrottleSettings(rate_limit=None if rate is None else float(rate),
                            burst_limit=None if burst is None else int(burst))


def _quick_create(build: Build, logical_id: str, spec: Any, props: dict[str, Any], arns: RouteArns) -> None:
    target = str(props["Target"])
    route_key = str(props.get("RouteKey") or "$default")
    kind = "AWS_PROXY" if lambda_function_name(target) else "HTTP_PROXY"
    integration = integrations.make(build, logical_id, websocket=False, type=kind, uri=target, payload="2.0",
                                    prop="Target")
    add_http_route(spec, route_key, check_permission(build, integration, route_key, arns), None, ())


def _two_way(build: Build) -> set[str]:
    """The WebSocket routes with a ``$default`` route response: "API Gateway will not pass the
    backend response through to the route response, unless you set up a route response" (AWS
    developer guide, WebSocket route responses); CDK's ``returnResponse`` makes one."""
    return {route_id for response_id in build.of_type(ROUTE_RESPONSE)
            if (props := build.props(response_id)).get("RouteResponseKey") == "$default"
            and (route_id := build.owner(props.get("RouteId"), ROUTE)) is not None}


def _routes(build: Build, api_id: str, spec: HttpApi | WebSocketApi, arns: RouteArns) -> None:
    websocket = isinstance(spec, WebSocketApi)
    two_way = _two_way(build) if websocket else set()
    for route_id in build.of_type(ROUTE):
        props = build.props(route_id)
        if build.owner(props.get("ApiId"), API) != api_id:
            continue
        route_key = str(props.get("RouteKey"))
        target = props.get("Target")
        integration_id = build.owner(target, integrations.INTEGRATION)
        if integration_id is None:
            raise build.error(route_id, "Target", f"{target!r} names no integration of this template "
                              "(expected integrations/<integration id>)")
        try:
            integration = integrations.make(build, integration_id, websocket=websocket,
                                            **integrations.settings(build.props(integration_id)))
        except integrations.NotServed as exc:
            integrations.leave_out(exc, route_key)
            continue
        authorizer = _authorizer(build, route_id, props, websocket)
        if isinstance(spec, WebSocketApi):
            integration = check_permission(build, integration, route_key, arns)
            spec.add_route(route_key, integration=integration, authorizer=authorizer,
                           return_response=route_id in two_way)
        else:
            integration = check_permission(build, integration, route_key, arns)
            add_http_route(spec, route_key, integration, authorizer, props.get("AuthorizationScopes") or ())


def _authorizer(build: Build, route_id: str, props: dict[str, Any], websocket: bool) -> Any:
    kind = str(props.get("AuthorizationType") or "NONE").upper()
    if kind == "NONE":
        return None
    if kind == "AWS_IAM":
        raise build.error(route_id, "AuthorizationType", "AWS_IAM (SigV4) authorization is not served "
                          "locally; use a JWT or Lambda authorizer, or NONE in the test's parameters")
    authorizer_id = build.owner(props.get("AuthorizerId"), authorizers.AUTHORIZER)
    if authorizer_id is None:
        raise build.error(route_id, "AuthorizerId", f"{props.get('AuthorizerId')!r} names no authorizer "
                          "of this template")
    def make() -> Any:
        spec = authorizers.make(build, authorizer_id, websocket=websocket,
                                **authorizers.settings(build.props(authorizer_id)))
        api_id = build.resolver.physical.ref(str(build.owner(props.get("ApiId"), API)))
        return authorizers.check_permission(build, spec, api_id, build.resolver.physical.ref(authorizer_id))

    return build.once("authorizer", authorizer_id, make)


def add_http_route(spec: HttpApi, route_key: str, integration: Any, authorizer: Any, scopes: Any) -> None:
    """Add a route by its route key (``GET /books/{id}`` or ``$default``) to an HttpApi spec."""
    if route_key == "$default":
        spec.add_routes(path="$default", integration=integration, authorizer=authorizer,
                        authorization_scopes=list(scopes))
        return
    method, _, path = route_key.partition(" ")
    spec.add_routes(path=path, methods=[method], integration=integration, authorizer=authorizer,
                    authorization_scopes=list(scopes))
