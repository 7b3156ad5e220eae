"""Lambda (``REQUEST``) authorizers of HTTP APIs (``http-api-lambda-authorizer.md``), over a
sequence of requests: identity sources, the answer's two shapes, and result caching.

What the page says, and the model does:
- "If you specify identity sources, clients must include them in the request. If the client's
  request doesn't include the identity sources, API Gateway doesn't invoke your Lambda
  authorizer, and the client receives a 401 error." Sources: ``$request.header.X``,
  ``$request.querystring.X``, ``$context.X``, ``$stageVariables.X``.
- Payload ``1.0``: the function "must return an IAM policy"; ``2.0``: "a Boolean value or an IAM
  policy", the Boolean with simple responses enabled. The authorizer event carries
  ``identitySource`` (2.0: a list of the values; 1.0: them joined with commas) and the route
  ARN (``routeArn`` / ``methodArn``).
- "The context object is optional. You can pass context properties to Lambda integrations":
  ``requestContext.authorizer.lambda`` in 2.0 events (recorded on AWS: aws-lambda-go
  ``events/testdata/apigw-v2-request-lambda-authorizer.json``).
- Caching: "API Gateway uses the authorizer's identity sources as the cache key. If a client
  specifies the same parameters in identity sources within the configured TTL, API Gateway uses
  the cached authorizer result, rather than invoking your Lambda function"; a simple response
  "fully allows or denies all API requests that match the cached identity source values"; "by
  default, API Gateway uses the cached authorizer response for all routes of an API that use the
  authorizer" (so a cached policy naming one route's ARN denies another route).
- "If API Gateway can't invoke your Lambda authorizer, or your Lambda authorizer returns a
  response in an invalid format, clients receive a 500 Internal Server Error."

Undocumented choices, named here: in 1.0 events the properties sit directly under
``requestContext.authorizer`` (the REST-compatible shape the 1.0 format exists for; other keys
there, such as ``principalId``, are not compared); a denied request is 403 ``{"message":"Forbidden"}`` and a
missing identity source 401 ``{"message":"Unauthorized"}`` (AWS's gateway responses of those
statuses); a failed or malformed answer is not cached (there is no result to keep); what the
authorizer event's ``identitySource`` holds when the authorizer has no identity source is not
compared.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from pytest_apigw.contract.model.expect import PRESENT, UNSPECIFIED
from pytest_apigw.contract.model.jwt_authorizer import FORBIDDEN, UNAUTHORIZED
from pytest_apigw.contract.model.lambda_response import INTERNAL_ERROR
from pytest_apigw.contract.model.verdict import Verdict

#: The rule of a 401 for a missing identity source when results are not cached (a backend's
#: declared gap may invoke the function anyway).
MISSING_UNCACHED = "an identity source is missing, results not cached: 401, not invoked"


@dataclass(frozen=True)
class Invocation:
    """The authorizer invocation whose result a request got: the request ``index`` that invoked
    it, its identity values, its route key and the decision it was asked for."""

    index: int
    values: tuple[str, ...]
    route_key: str
    decision: str


@dataclass(frozen=True)
class Expected:
    """One request's prediction: the verdict, and (when let through) the invocation whose
    context the integration must see (``None``: not invoked, nothing to see)."""

    verdict: Verdict
    invocation: Invocation | None


class LambdaAuthorizerModel:
    """Predicts one deployed Lambda authorizer request by request (its result cache included).

    ``version``: the authorizer's payload format; ``simple``: simple responses; ``sources``:
    identity sources; ``ttl``: result cache seconds (the requests of one case all fall inside it);
    ``stage_variables``: the stage's.
    """

    def __init__(self, *, version: str, simple: bool, sources: tuple[str, ...], ttl: int,
                 stage_variables: dict[str, str]) -> None:
        self.version = version
        self.simple = simple
        self.sources = sources
        self.ttl = ttl
        self.stage_variables = stage_variables
        self.cache: dict[tuple[str, ...], Invocation] = {}

    def identity_values(self, route_key: str, headers: dict[str, str], query: dict[str, str]
                        ) -> tuple[str, ...] | None:
        """The sources' values in order, or ``None`` when one is missing (``headers`` by
        lower-case name, ``query`` by name)."""
        values = []
        for source in self.sources:
            kind, _, name = source[1:].partition(".")
            if kind == "request":
                where, _, name = name.partition(".")
                value = headers.get(name.lower()) if where == "header" else query.get(name)
            elif kind == "context":
                value = route_key if name == "routeKey" else None
            else:
                value = self.stage_variables.get(name)
            if not value:
                return None
            values.append(value)
        return tuple(values)

    def _allowed(self, invocation: Invocation, route_key: str) -> bool:
        if invocation.decision == "deny":
            return False
        # IAM "route": the policy names the invoking request's route ARN (literal routes on
        # one stage: the same ARN exactly when the same route); simple answers have no routes
        return self.simple or invocation.decision == "allow" or invocation.route_key == route_key

    def context(self, invocation: Invocation) -> dict[str, Any]:
        """The context the probe answered for ``invocation`` (its ``invocation`` id: present)."""
        identity: Any = list(invocation.values) if self.version == "2.0" else ",".join(invocation.values)
        return {"invocation": PRESENT, "decided": invocation.decision, "version": self.version,
                "identity": json.dumps(identity) if self.sources else UNSPECIFIED}

    def request(self, index: int, route_key: str, headers: dict[str, str], query: dict[str, str],
                decision: str) -> Expected:
        """Predict request ``index`` to ``route_key`` (behind the authorizer) asking ``decision``."""
        values = self.identity_values(route_key, headers, query)
        if values is None:
            rule = MISSING_UNCACHED if not self.ttl else "an identity source is missing: 401, not invoked"
            return Expected(Verdict(UNAUTHORIZED, rule), None)
        cached = self.cache.get(values) if self.ttl else None
        if cached is None:
            if decision in ("boom", "junk"):
                what = "fails" if decision == "boom" else "answers neither shape"
                return Expected(Verdict(INTERNAL_ERROR, f"the authorizer {what}: 500, nothing cached"), None)
            invocation = Invocation(index, values, route_key, decision)
            if self.ttl:
                self.cache[values] = invocation
            how = "invoked"
        else:
            invocation = cached
            how = f"cached result of request {cached.index}"
        if not self._allowed(invocation, route_key):
            return Expected(Verdict(FORBIDDEN, f"{how}: {invocation.decision!r} denies {route_key}"), None)
        context = self.context(invocation)
        verdict = Verdict(None, f"{how}: {invocation.decision!r} allows {route_key}",
                          authorizer_v2={"lambda": context}, authorizer_v1=context)
        return Expected(verdict, invocation)
