"""Integration specs, one module per integration type."""

from pytest_apigw.spec.integrations.base import HttpRouteIntegration
from pytest_apigw.spec.integrations.http_proxy import HttpProxyIntegration, HttpUrlIntegration
from pytest_apigw.spec.integrations.lambda_proxy import (
    HttpLambdaIntegration,
    LambdaProxyIntegration,
)
from pytest_apigw.spec.integrations.private import (
    HttpAlbIntegration,
    HttpNlbIntegration,
    HttpPrivateIntegration,
    HttpServiceDiscoveryIntegration,
)
from pytest_apigw.spec.integrations.tls import TlsConfig
from pytest_apigw.spec.integrations.websocket_lambda import (
    LambdaWebSocketIntegration,
    WebSocketLambdaIntegration,
    WebSocketRouteIntegration,
)

__all__ = [
    "HttpAlbIntegration",
    "HttpLambdaIntegration",
    "HttpNlbIntegration",
    "HttpPrivateIntegration",
    "HttpProxyIntegration",
    "HttpRouteIntegration",
    "HttpServiceDiscoveryIntegration",
    "HttpUrlIntegration",
    "LambdaProxyIntegration",
    "LambdaWebSocketIntegration",
    "TlsConfig",
    "WebSocketLambdaIntegration",
    "WebSocketRouteIntegration",
]
