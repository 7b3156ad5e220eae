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
#: ``cors_preflight``: preflights answered by the gateway, CORS headers on responses.
CORS = "http.cors"
#: Route authorizers (``HttpJwtAuthorizer``, ``HttpLambdaAuthorizer``): 401/403/500 answers,
#: ``requestContext.authorizer`` in events, Lambda authorizer result caching.
AUTHORIZERS = "http.authorizers"
#: Lambda authorizers on a WebSocket API's ``$connect`` route.
WEBSOCKET_AUTHORIZERS = "websocket.authorizers"
#: Stage and route throttling (``ThrottleSettings``): 429 ``{"message":"Too Many Requests"}``.
THROTTLING = "http.throttling"
#: Stages with ``access_log_format`` write one line per request, read back as
#: ``deployment.access_log``.
ACCESS_LOGS = "access_logs"

#: A named stage's segment stays in the path the integration sees (2.0 ``rawPath`` and
#: ``requestContext.http.path``, 1.0 ``path``), as AWS sends it: ``/dev/pets`` on stage ``dev``.
STAGE_PATH = "http.named_stages.event_path"

#: Payload format 1.0 events and responses for Lambda proxy integrations (not only 2.0).
PAYLOAD_V1 = "http.lambda_proxy.payload_1_0"
#: The headers the gateway adds to the event (``x-forwarded-*``, ``x-amzn-trace-id``,
#: ``content-length``).
EVENT_HEADERS = "http.event.gateway_headers"
#: ``requestContext.domainName`` is the ``Host`` the client used, with a ``domainPrefix``.
EVENT_DOMAIN = "http.event.domain_name"
#: Repeated query keys and headers combined with commas, in order, as the docs say.
REPEATED_VALUES = "http.event.repeated_values"
#: 2.0 events leave empty parts (``pathParameters``, ...) out instead of ``null``.
EVENT_EMPTY_PARTS = "http.event.empty_parts"
#: The gateway's own answers: ``{"message":"Not Found"}`` and friends.
GATEWAY_ERRORS = "http.gateway_errors"
#: ``OPTIONS`` is routed like any method when the API has no CORS configuration.
OPTIONS_ROUTED = "http.options_routed"
#: 2.0: a function's JSON value without ``statusCode`` (``null`` too) becomes the body.
BARE_RESULTS = "http.lambda_proxy.bare_results"
#: HTTP proxy: the request goes to the integration URI's own path, path variables filled in
#: (the request path is added only for ``$default`` on a bare URI), its encoding kept.
HTTP_PROXY_URI = "http.http_proxy.uri_path"

#: Empty path segments (``//``, also one a decoded ``%2F`` makes, and a trailing ``/``) reach
#: route matching and the event's ``rawPath`` as the client sent them.
EMPTY_SEGMENTS = "http.event.empty_segments"

#: ``pathParameters`` are URL-decoded (``%25`` → ``%``), as the docs say.
PATH_PARAMETERS_DECODED = "http.event.path_parameters_decoded"

#: When several routes match a request, the one selected follows the model's reading of the
#: documented priorities (``http-api-develop-routes.md``): path before method, a greedy route's
#: longest fixed prefix, literal before ``{param}`` position by position.
ROUTE_PRECEDENCE = "http.routing.precedence"

#: Refinements of a capability: a backend serving the parent serves these too unless its
#: ``capability_gaps`` names them (backends written before a refinement existed keep it).
REFINES = {
    STAGE_PATH: NAMED_STAGES, PAYLOAD_V1: LAMBDA_PROXY, EVENT_HEADERS: LAMBDA_PROXY,
    EVENT_DOMAIN: LAMBDA_PROXY, REPEATED_VALUES: LAMBDA_PROXY, EVENT_EMPTY_PARTS: LAMBDA_PROXY,
    GATEWAY_ERRORS: LAMBDA_PROXY, OPTIONS_ROUTED: LAMBDA_PROXY, BARE_RESULTS: LAMBDA_PROXY,
    HTTP_PROXY_URI: HTTP_PROXY, EMPTY_SEGMENTS: LAMBDA_PROXY, PATH_PARAMETERS_DECODED: LAMBDA_PROXY,
}
REFINES[ROUTE_PRECEDENCE] = LAMBDA_PROXY
#: A function's memory is its own: two functions of the same code never see each other's
#: module-level state, and the functions of a new deployment start cold.
FUNCTION_STATE = "http.lambda_proxy.function_state"
REFINES[FUNCTION_STATE] = LAMBDA_PROXY

#: Authorizer details, refinements of ``AUTHORIZERS``: JWT claims reach the integration as
#: strings and scopes in the token's order; a JWT without ``exp`` is 401; an unknown ``kid``
#: fetches the JWKS again (key rotation).
AUTHORIZER_JWT_DETAILS = "http.authorizers.jwt_details"
#: A Lambda authorizer's declared identity source missing or empty is 401 without invoking the
#: function, whether results are cached or not.
AUTHORIZER_IDENTITY_CHECK = "http.authorizers.identity_check"
#: A payload 1.0 Lambda authorizer's event carries ``version`` ``"1.0"`` and ``identitySource``
#: (the identity values joined with commas), as ``http-api-lambda-authorizer.md`` shows it.
AUTHORIZER_EVENT_V1 = "http.authorizers.event_1_0"
#: Request size limits of HTTP APIs: a head over 10,240 bytes is 431, a body over 10 MB 413, and
#: neither reaches the integration (``docs/limits.md``).
REQUEST_LIMITS = "http.request_limits"
#: Integration timeouts are enforced: a slow HTTP upstream is 504, a Lambda integration past its
#: timeout 503, a function past its own timeout 500.
INTEGRATION_TIMEOUTS = "http.integration_timeouts"
#: WebSocket size limits: a frame over 32 KB or a message over 128 KB closes the connection with
#: 1009 and never reaches a route (``docs/limits.md``).
WEBSOCKET_LIMITS = "websocket.limits"
REFINES.update({REQUEST_LIMITS: LAMBDA_PROXY, WEBSOCKET_LIMITS: WEBSOCKET, INTEGRATION_TIMEOUTS: LAMBDA_PROXY,
                AUTHORIZER_JWT_DETAILS: AUTHORIZERS, AUTHORIZER_IDENTITY_CHECK: AUTHORIZERS,
                AUTHORIZER_EVENT_V1: AUTHORIZERS})

ALL = frozenset(
    {
        LAMBDA_PROXY, HTTP_PROXY, PRIVATE_ALB, PRIVATE_NLB, PRIVATE_CLOUD_MAP, PARAMETER_MAPPING,
        NAMED_STAGES, STAGE_VARIABLES, COOKIES, WEBSOCKET, WEBSOCKET_CONNECTIONS, INVOCATION_LOG,
        CORS, AUTHORIZERS, WEBSOCKET_AUTHORIZERS, THROTTLING, ACCESS_LOGS, *REFINES,
    }
)
