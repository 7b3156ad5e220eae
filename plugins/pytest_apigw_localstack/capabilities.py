"""What the AWS-API backends serve, and what a MiniStack endpoint does not (with the reason)."""

from __future__ import annotations

from pytest_apigw import capabilities as cap

#: LocalStack and AWS serve every integration type the vocabulary provisions.
PROVISIONED = frozenset({
    cap.LAMBDA_PROXY, cap.HTTP_PROXY, cap.PRIVATE_ALB, cap.PRIVATE_NLB, cap.PRIVATE_CLOUD_MAP,
    cap.PARAMETER_MAPPING, cap.NAMED_STAGES, cap.STAGE_VARIABLES, cap.COOKIES, cap.WEBSOCKET,
    cap.WEBSOCKET_CONNECTIONS, cap.AUTHORIZERS, cap.THROTTLING, cap.ACCESS_LOGS, cap.CORS, *cap.REFINES,
})

#: The MiniStack release every gap below was checked against: each conformance case run with the
#: gap removed (it must then fail on that gap's fields), and the gaps no case exercises run as
#: cases of their own (``tests/backends/localstack/test_ministack_gaps.py``, the throttling and
#: access-log tests). On 1.5.33 MiniStack answers an unmatched route with AWS's body and checks a
#: Lambda authorizer's identity sources without caching too: those gaps are gone.
MINISTACK_VERSION = "1.5.33"

_NO_VPC_LINK = "MiniStack has no VPC link API and stores private integrations without serving them"
#: Gaps of MiniStack: the capability and why a conformance case cannot pass there.
_GAPS = {
    cap.CORS: "MiniStack drops an empty CorsConfiguration (what CDK writes for corsPreflight with nothing "
              "set) and then answers every preflight 403 'CORS not configured' (AWS: 204); a non-empty one "
              "is served",
    cap.ACCESS_LOGS: "MiniStack stores a stage's AccessLogSettings (and creates the log group) but "
                     "writes no access-log line to CloudWatch Logs",
    cap.COOKIES: "MiniStack leaves cookies out of the 2.0 event and keeps the Cookie header in its "
                 "headers (AWS: a cookies list, no cookie header)",
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
    cap.REPEATED_VALUES: "MiniStack joins repeated headers with ', ' (AWS: ',')",
    cap.EVENT_EMPTY_PARTS: "MiniStack sends pathParameters: null where AWS leaves the key out",
    cap.PATH_PARAMETERS_DECODED: "MiniStack leaves '%25' encoded in pathParameters ('/pets/a%25b' gives "
                                 "id 'a%25b'; AWS decodes it: 'a%b')",
    cap.ROUTE_PRECEDENCE: "MiniStack ranks the routes a request matches by their count of literal segments, "
                          "then an explicit method over ANY, and takes only a variable named exactly "
                          "{proxy+} as greedy (the model: path before method, a greedy route's longest "
                          "fixed prefix, literal before {param} position by position)",
    cap.OPTIONS_ROUTED: "MiniStack answers every OPTIONS as a CORS preflight (403 without CORS) instead "
                        "of routing it",
    cap.BARE_RESULTS: "MiniStack answers an empty body when a 2.0 function returns null",
    cap.EMPTY_SEGMENTS: "MiniStack collapses a '//' at the start of the decoded path (also one an encoded "
                        "'/' in the first segment makes) before routing, in rawPath and in pathParameters",
    cap.THROTTLING: "MiniStack stores a stage's DefaultRouteSettings/RouteSettings but throttles nothing "
                    "(AWS: 429 once a route's token bucket is empty)",
    cap.HTTP_PROXY_URI: "MiniStack appends the request path to every HTTP proxy integration URI, fills "
                        "in no {path} variables, and forwards the decoded path (502 on non-ASCII or a space)",
    cap.AUTHORIZER_JWT_DETAILS: "MiniStack sorts a JWT's scopes (AWS: the token's order), accepts a token "
                                "without exp (AWS: 401), keeps a JWKS for 2 h without fetching it again "
                                "for an unknown kid, and sends no www-authenticate header with a 401",
    cap.REQUEST_LIMITS: "MiniStack lets a request body over 10 MB through to the integration (AWS: 413)",
    cap.INTEGRATION_TIMEOUTS: "MiniStack enforces no integration timeout (TimeoutInMillis): a slow upstream "
                              "answers whenever it finishes (AWS: 504)",
    cap.WEBSOCKET_LIMITS: "MiniStack enforces neither the 32 KB frame nor the 128 KB message limit of "
                          "WebSocket APIs: a message past either reaches the route (AWS: close 1009)",
    cap.AUTHORIZER_EVENT_V1: "MiniStack sends a payload 1.0 Lambda authorizer an event without version, "
                             "identitySource and authorizationToken",
}
#: What the localstack backend declares on a MiniStack endpoint, each reason with the version.
MINISTACK_GAPS = {name: f"{reason} (checked on MiniStack {MINISTACK_VERSION})"
                  for name, reason in _GAPS.items()}
