"""Names of what a backend can serve; conformance cases skip, with the reason, what it cannot."""

from __future__ import annotations

LAMBDA_PROXY = "http.lambda_proxy"
HTTP_PROXY = "http.http_proxy"
PRIVATE_ALB = "http.private.alb"
PRIVATE_NLB = "http.private.nlb"
PRIVATE_CLOUD_MAP = "http.private.cloud_map"
PARAMETER_MAPPING = "http.parameter_mapping"
NAMED_STAGES = "http.named_stages"
STAGE_VARIABLES = "stage_variables"
COOKIES = "http.cookies"
WEBSOCKET = "websocket"
WEBSOCKET_CONNECTIONS = "websocket.connections"
INVOCATION_LOG = "invocation_log"

ALL = frozenset(
    {
        LAMBDA_PROXY, HTTP_PROXY, PRIVATE_ALB, PRIVATE_NLB, PRIVATE_CLOUD_MAP, PARAMETER_MAPPING,
        NAMED_STAGES, STAGE_VARIABLES, COOKIES, WEBSOCKET, WEBSOCKET_CONNECTIONS, INVOCATION_LOG,
    }
)
