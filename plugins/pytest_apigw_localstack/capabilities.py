"""What the AWS-API backends serve, and what a MiniStack endpoint does not (with the reason)."""

from __future__ import annotations

from pytest_apigw import capabilities as cap

#: LocalStack and AWS serve every integration type the vocabulary provisions.
PROVISIONED = frozenset({
    cap.LAMBDA_PROXY, cap.HTTP_PROXY, cap.PRIVATE_ALB, cap.PRIVATE_NLB, cap.PRIVATE_CLOUD_MAP,
    cap.PARAMETER_MAPPING, cap.NAMED_STAGES, cap.STAGE_VARIABLES, cap.COOKIES, cap.WEBSOCKET,
    cap.WEBSOCKET_CONNECTIONS,
})

#: Gaps of MiniStack (seen on 1.4.x): the capability and why a conformance case cannot pass there.
_NO_VPC_LINK = "MiniStack has no VPC link API and stores private integrations without serving them"
MINISTACK_GAPS = {
    cap.COOKIES: "MiniStack leaves the 2.0 event's cookies null when the request has a Cookie header",
    cap.PRIVATE_ALB: _NO_VPC_LINK,
    cap.PRIVATE_NLB: _NO_VPC_LINK,
    cap.PRIVATE_CLOUD_MAP: _NO_VPC_LINK,
}

#: Gaps that do not remove a capability but make particular checks differ on MiniStack.
MINISTACK_DIFFERENCES = (
    "a named stage's segment is missing from rawPath / requestContext.http.path (AWS keeps '/dev/...')",
)
