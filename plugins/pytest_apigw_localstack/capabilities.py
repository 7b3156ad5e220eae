"""What the AWS-API backends serve, and what a MiniStack endpoint does not (with the reason)."""

from __future__ import annotations

from pytest_apigw import capabilities as cap

#: LocalStack and AWS serve every integration type the vocabulary provisions.
PROVISIONED = frozenset({
    cap.LAMBDA_PROXY, cap.HTTP_PROXY, cap.PRIVATE_ALB, cap.PRIVATE_NLB, cap.PRIVATE_CLOUD_MAP,
    cap.PARAMETER_MAPPING, cap.NAMED_STAGES, cap.STAGE_VARIABLES, cap.COOKIES, cap.WEBSOCKET,
    cap.WEBSOCKET_CONNECTIONS, cap.AUTHORIZERS, cap.THROTTLING, cap.ACCESS_LOGS, *cap.REFINES,
})

#: Gaps of MiniStack (seen on 1.4.x): the capability and why a conformance case cannot pass there.
_NO_VPC_LINK = "MiniStack has no VPC link API and stores private integrations without serving them"
MINISTACK_GAPS = {
    cap.ACCESS_LOGS: "MiniStack stores a stage's AccessLogSettings (and creates the log group) but "
                     "writes no access-log line to CloudWatch Logs",
    cap.COOKIES: "MiniStack leaves the 2.0 event's cookies null when the request has a Cookie header",
    cap.PRIVATE_ALB: _NO_VPC_LINK,
    cap.PRIVATE_NLB: _NO_VPC_LINK,
    cap.PRIVATE_CLOUD_MAP: _NO_VPC_LINK,
    cap.STAGE_PATH: "MiniStack drops a named stage's segment from rawPath / requestContext.http.path "
                    "(1.0: path); AWS keeps it ('/dev/pets' on stage dev); it drops a first segment "
                    "'$default' too (AWS: a path like any other on the $default stage)",
    cap.STAGE_VARIABLES: "MiniStack stores stage variables but leaves the event's stageVariables out",
    cap.PAYLOAD_V1: "MiniStack stores PayloadFormatVersion 1.0 but sends the 2.0 event and reads the "
                    "response as 2.0 (no statusCode check, multiValueHeaders ignored)",
    cap.EVENT_HEADERS: "MiniStack adds no x-forwarded-for/-port/-proto, x-amzn-trace-id or content-length "
                       "header to the event",
    cap.EVENT_DOMAIN: "MiniStack reports requestContext.domainName '<apiId>.execute-api.localhost' whatever "
                      "Host the client used, and no domainPrefix",
    cap.REPEATED_VALUES: "MiniStack joins repeated headers with ', ' and reorders repeated query keys "
                         "(AWS: comma-joined in order, rawQueryString as sent)",
    cap.EVENT_EMPTY_PARTS: "MiniStack sends pathParameters: null where AWS leaves the key out",
    cap.ROUTE_PRECEDENCE: "MiniStack ranks the routes a request matches by their count of literal segments, "
                          "then an explicit method over ANY, and takes only a variable named exactly "
                          "{proxy+} as greedy (the model: path before method, a greedy route's longest "
                          "fixed prefix, literal before {param} position by position)",
    cap.GATEWAY_ERRORS: "MiniStack answers an unmatched route with {\"message\": \"No route found\"} "
                        "(AWS: {\"message\":\"Not Found\"})",
    cap.OPTIONS_ROUTED: "MiniStack answers every OPTIONS as a CORS preflight (403 without CORS) instead "
                        "of routing it",
    cap.BARE_RESULTS: "MiniStack answers an empty body when a 2.0 function returns null",
    cap.EMPTY_SEGMENTS: "MiniStack drops a trailing '/' and collapses a '//' at the start of the decoded "
                        "path (an encoded '/' in the first segment) before routing, in rawPath and in "
                        "pathParameters",
    cap.THROTTLING: "MiniStack stores a stage's DefaultRouteSettings/RouteSettings but throttles nothing "
                    "(AWS: 429 once a route's token bucket is empty)",
    cap.HTTP_PROXY_URI: "MiniStack appends the request path to every HTTP proxy integration URI, fills "
                        "in no {path} variables, and forwards the decoded path (502 on non-ASCII)",
    cap.AUTHORIZER_JWT_DETAILS: "MiniStack passes JWT claims with their JSON types (AWS: strings) and scopes "
                                "sorted, accepts a token without exp (AWS: 401), keeps a JWKS for 2 h "
                                "without fetching it again for an unknown kid, and sends no www-authenticate "
                                "header with a 401",
    cap.AUTHORIZER_IDENTITY_CHECK: "MiniStack checks a Lambda authorizer's identity sources only when "
                                   "results are cached: with results_cache_ttl=0 a missing source still "
                                   "invokes it (AWS: 401 without invoking)",
    cap.REQUEST_LIMITS: "MiniStack lets a request body over 10 MB through to the integration (AWS: 413)",
    cap.INTEGRATION_TIMEOUTS: "MiniStack enforces no integration timeout (TimeoutInMillis): a slow upstream "
                              "answers whenever it finishes (AWS: 504)",
    cap.AUTHORIZER_EVENT_V1: "MiniStack sends a payload 1.0 Lambda authorizer an event without version, "
                             "identitySource and authorizationToken",
}
