"""Lambda (``REQUEST``) authorizers (``http-api-lambda-authorizer.md``): identity sources
checked first (missing: 401 without invoking), the 1.0 or 2.0 authorizer event, the answer
(simple or IAM policy; deny: 403; invalid or failed: 500), results cached per identity values."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from pytest_apigw.spec.authorizers import HttpLambdaResponseType
from pytest_apigw_embedded.authorizers.cache import ResultCache
from pytest_apigw_embedded.authorizers.identity import evaluate_all
from pytest_apigw_embedded.authorizers.outcome import Outcome
from pytest_apigw_embedded.authorizers.policy import InvalidResponse, decide
from pytest_apigw_embedded.aws import ACCOUNT_ID, REGION
from pytest_apigw_embedded.lambda_events.event_v1 import build_event_v1
from pytest_apigw_embedded.lambda_events.event_v2 import build_event_v2

#: Authorizer Lambdas get at most this long (AWS: 10 s for authorizers).
AUTHORIZER_TIMEOUT = 10.0


def route_arn(request: Any, ctx: Any) -> str:
    """``arn:aws:execute-api:{region}:{account}:{apiId}/{stage}/{METHOD}/{path}``."""
    return (f"arn:aws:execute-api:{REGION}:{ACCOUNT_ID}:{ctx.api_id}/{ctx.stage_name}/"
            f"{request.method}{request.stage_path}")


def event_v2(request: Any, ctx: Any, arn: str, values: list[str]) -> dict[str, Any]:
    """The 2.0 authorizer event: the integration event's parts without the body."""
    base = build_event_v2(request, ctx)
    event: dict[str, Any] = {"version": "2.0", "type": "REQUEST", "routeArn": arn,
                             "identitySource": values or None}
    for key in ("routeKey", "rawPath", "rawQueryString", "cookies", "headers", "queryStringParameters",
                "requestContext", "pathParameters", "stageVariables"):
        if key in base:
            event[key] = base[key]
    return event


def event_v1(request: Any, ctx: Any, arn: str, values: list[str]) -> dict[str, Any]:
    """The 1.0 authorizer event (REST-shaped, ``methodArn``, comma-joined ``identitySource``)."""
    base = build_event_v1(request, ctx)
    joined = ",".join(values) if values else None
    event: dict[str, Any] = {"version": "1.0", "type": "REQUEST", "methodArn": arn,
                             "identitySource": joined, "authorizationToken": joined}
    for key, value in base.items():
        if key not in ("version", "body", "isBase64Encoded"):
            event[key] = value
    return event


class LambdaDecider:
    """Invoke a Lambda authorizer (or reuse its cached answer) and read the answer: the part
    HTTP and WebSocket authorizers share. ``unauthorized_error``: a function failing with the
    error message ``Unauthorized`` means 401 (REST and WebSocket), otherwise every failure is 500."""

    def __init__(self, spec: Any, services: Any, *, simple: bool, iam: bool,
                 unauthorized_error: bool = False) -> None:
        self.function = spec.handler
        self.runtime = services.lambda_runtime(self.function)
        self.runtime.prepare(self.function)
        self.simple = simple
        self.iam = iam
        self.unauthorized_error = unauthorized_error
        self.cache = ResultCache(spec.results_cache_ttl)
        self.timeout = min(self.function.timeout, AUTHORIZER_TIMEOUT)
        self.name = f"Lambda authorizer {spec.authorizer_name!r}"
        #: Why API Gateway may not invoke the function (a template without the permission).
        self.missing_permission = getattr(spec, "missing_permission", None)
        #: Invocations of the function (cached answers not counted).
        self.calls = 0

    async def decide(self, values: list[str], arn: str, make_event: Callable[[], dict[str, Any]],
                     record: Any, check: Callable[[Any], None] | None = None) -> Outcome:
        """The outcome for identity values ``values`` on ``arn``; allowed outcomes carry
        ``v2={"lambda": context}`` and ``v1={**context, "principalId", "integrationLatency"}``.
        ``check`` may raise :class:`InvalidResponse` for a further rule on the answer."""
        name = self.name
        if self.missing_permission:
            return Outcome(500, f"{name}: execution failed due to a permissions error: "
                                f"{self.missing_permission}")
        key = tuple(values)
        started = time.perf_counter()
        payload = self.cache.get(key)
        cached = payload is not None
        if not cached:
            self.calls += 1
            result = await self.runtime.invoke(self.function, make_event(), self.timeout)
            record.logs.extend(result.logs)
            if result.failed:
                record.traceback = result.traceback
                if self.unauthorized_error and result.error_message == "Unauthorized":
                    return Outcome(401, f"{name} answered Unauthorized")
                return Outcome(500, f"{name} failed: {result.error_type}: {result.error_message}")
            payload = result.payload
        try:
            allowed, context, principal = decide(payload, arn, simple=self.simple, iam=self.iam)
            if check is not None:
                check(payload)
        except InvalidResponse as exc:
            return Outcome(500, f"{name} returned an invalid response: {exc}")
        if not cached:
            self.cache.put(key, payload)
        via = " (cached result)" if cached else ""
        if not allowed:
            return Outcome(403, f"{name} denied {arn}{via}: {payload!r}")
        latency = int((time.perf_counter() - started) * 1000)
        v1 = dict(context or {})
        if principal is not None:
            v1["principalId"] = principal
        v1["integrationLatency"] = latency
        return Outcome(None, None, v2={"lambda": context}, v1=v1)


def build_lambda(spec: Any, services: Any) -> Any:
    """An ``authorize(request, ctx, route) -> Outcome`` coroutine for ``spec`` (own cache)."""
    make_event = event_v2 if spec.payload_format_version == "2.0" else event_v1
    iam = HttpLambdaResponseType.IAM in spec.response_types or spec.payload_format_version == "1.0"
    decider = LambdaDecider(spec, services, simple=spec.simple_responses, iam=iam)

    async def authorize(request: Any, ctx: Any, route: Any) -> Outcome:
        values, missing = evaluate_all(spec.identity_source, request, ctx)
        if missing is not None:
            return Outcome(401, f"{decider.name}: identity source {missing} is missing (not invoked)")
        arn = route_arn(request, ctx)
        return await decider.decide(values, arn, lambda: make_event(request, ctx, arn, values),
                                    ctx.invocation)

    authorize.decider = decider  # type: ignore[attr-defined]
    return authorize
