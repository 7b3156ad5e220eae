"""What to build: the CDK ``aws-apigatewayv2(-integrations)`` constructs as plain, validated data."""

from pytest_apigw.spec.authorizers import (
    HttpJwtAuthorizer,
    HttpLambdaAuthorizer,
    HttpLambdaResponseType,
    HttpNoneAuthorizer,
    HttpRouteAuthorizer,
)
from pytest_apigw.spec.cloud_map import Instance, PrivateDnsNamespace, Service
from pytest_apigw.spec.cors import CorsHttpMethod, CorsPreflightOptions
from pytest_apigw.spec.function import Function
from pytest_apigw.spec.http_api import HttpApi, HttpRoute, HttpStage
from pytest_apigw.spec.integrations import *  # noqa: F403
from pytest_apigw.spec.integrations import __all__ as _integrations
from pytest_apigw.spec.layer import LayerVersion
from pytest_apigw.spec.methods import HttpMethod
from pytest_apigw.spec.network import (
    ApplicationListener,
    ApplicationLoadBalancer,
    IpTarget,
    NetworkListener,
    NetworkLoadBalancer,
    Vpc,
    VpcLink,
)
from pytest_apigw.spec.parameter_mapping import MappingValue, ParameterMapping
from pytest_apigw.spec.stage import DEFAULT_STAGE
from pytest_apigw.spec.throttle import ThrottleSettings
from pytest_apigw.spec.websocket_api import (
    WebSocketApi,
    WebSocketRoute,
    WebSocketRouteOptions,
    WebSocketStage,
)
from pytest_apigw.spec.websocket_authorizers import WebSocketLambdaAuthorizer, WebSocketRouteAuthorizer

__all__ = [
    "DEFAULT_STAGE",
    "CorsHttpMethod",
    "CorsPreflightOptions",
    "ApplicationListener",
    "ApplicationLoadBalancer",
    "Function",
    "HttpApi",
    "HttpJwtAuthorizer",
    "HttpLambdaAuthorizer",
    "HttpLambdaResponseType",
    "HttpNoneAuthorizer",
    "HttpRouteAuthorizer",
    "HttpMethod",
    "HttpRoute",
    "HttpStage",
    "Instance",
    "LayerVersion",
    "IpTarget",
    "MappingValue",
    "NetworkListener",
    "NetworkLoadBalancer",
    "ParameterMapping",
    "PrivateDnsNamespace",
    "Service",
    "ThrottleSettings",
    "Vpc",
    "VpcLink",
    "WebSocketApi",
    "WebSocketLambdaAuthorizer",
    "WebSocketRouteAuthorizer",
    "WebSocketRoute",
    "WebSocketRouteOptions",
    "WebSocketStage",
    *_integrations,
]
