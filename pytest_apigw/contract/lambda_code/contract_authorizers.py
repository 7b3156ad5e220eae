"""Probe Lambda authorizer of the conformance suite (standard library only, shipped with the
other probes as handler ``contract_authorizers.authorize``).

The request asks for the answer in its ``x-decide`` header (not an identity source, so a cached
result shows: a later request with the same identity values gets the first one's answer):
``allow`` (IAM: Allow ``execute-api:Invoke`` on every route of the API), ``route`` (IAM: Allow
only the route ARN of this event; simple: authorized), ``deny``, ``boom`` (the function
fails), ``junk`` (an answer of neither shape). ``CONTRACT_AUTH_ANSWER`` is ``simple`` or
``iam``. The context names the invocation (``aws_request_id``), the decision, the event's
``version`` and its ``identitySource`` (as JSON), so the suite sees which invocation's result
a request got.
"""

import json
import os
from typing import Any


def authorize(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Answer as ``x-decide`` asks (see the module docstring)."""
    headers = {str(k).lower(): v for k, v in (event.get("headers") or {}).items()}
    decision = headers.get("x-decide", "deny")
    if decision == "boom":
        raise RuntimeError("the contract authorizer was asked to fail")
    if decision == "junk":
        return {"nope": True}
    details = {"invocation": str(getattr(context, "aws_request_id", "")), "decided": decision,
               "version": str(event.get("version")), "identity": json.dumps(event.get("identitySource"))}
    if os.environ.get("CONTRACT_AUTH_ANSWER") == "simple":
        return {"isAuthorized": decision in ("allow", "route"), "context": details}
    arn = event.get("routeArn") or event.get("methodArn") or ""
    resource = arn.split("/", 1)[0] + "/*" if decision == "allow" else arn
    effect = "Deny" if decision == "deny" else "Allow"
    return {"principalId": "contract-user", "context": details, "policyDocument": {
        "Version": "2012-10-17",
        "Statement": [{"Action": "execute-api:Invoke", "Effect": effect, "Resource": resource}]}}
