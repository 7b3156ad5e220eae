"""WebSocket ``$connect`` Lambda ``REQUEST`` authorizers (``apigateway-websocket-api-lambda-auth.md``).

The identity sources are read from the handshake (missing: 401, not invoked); the function gets
the REST-shaped ``REQUEST`` event with ``methodArn`` ``arn:aws:execute-api:{region}:{account}:
{apiId}/{stage}/$connect`` and must answer with an IAM policy (Deny: 403; failure or invalid
answer: 500; the error ``Unauthorized``: 401). Allowed: ``requestContext.authorizer`` is
``{"principalId", "integrationLatency", **context}`` for ``$connect`` and every later event of
the connection. The invoke / cache / policy steps are :class:`~.lambda_.LambdaDecider`'s, shared
with HTTP APIs.
"""

from __future__ import annotations

from typing import Any

from pytest_apigw_embedded.authorizers.identity import evaluate_all_websocket
from pytest_apigw_embedded.authorizers.lambda_ import LambdaDecider
from pytest_apigw_embedded.authorizers.outcome import Outcome
from pytest_apigw_embedded.authorizers.policy import InvalidResponse
from pytest_apigw_embedded.aws import ACCOUNT_ID, REGION

#: The body of the handshake's rejection, per status.
ANSWERS = {401: b'{"message":"Unauthorized"}', 403: b'{"message":"Forbidden"}',
           500: b'{"message":"Internal server error"}'}


def connect_arn(event: dict[str, Any]) -> str:
    """``arn:aws:execute-api:{region}:{account}:{apiId}/{stage}/$connect``."""
    ctx = event["requestContext"]
    return f"arn:aws:execute-api:{REGION}:{ACCOUNT_ID}:{ctx['apiId']}/{ctx['stage']}/$connect"


def authorizer_event(event: dict[str, Any], arn: str) -> dict[str, Any]:
    """The ``REQUEST`` authorizer event built from the ``$connect`` event (no body; query string
    and stage variable maps always present, empty when there are none)."""
    return {
        "type": "REQUEST",
        "methodArn": arn,
        "headers": dict(event.get("headers") or {}),
        "multiValueHeaders": {k: list(v) for k, v in (event.get("multiValueHeaders") or {}).items()},
        "queryStringParameters": dict(event.get("queryStringParameters") or {}),
        "multiValueQueryStringParameters": {
            k: list(v) for k, v in (event.get("multiValueQueryStringParameters") or {}).items()},
        "stageVariables": dict(event.get("stageVariables") or {}),
        "requestContext": {k: (dict(v) if isinstance(v, dict) else v)
                           for k, v in event["requestContext"].items()},
    }


def _flat_context(payload: Any) -> None:
    """REST/WebSocket authorizer ``context`` values are strings, numbers or booleans."""
    context = payload.get("context") if isinstance(payload, dict) else None
    for key, value in (context or {}).items():
        if value is not None and not isinstance(value, str | int | float | bool):
            raise InvalidResponse(f"context value {key!r} must be a string, number or boolean, got {value!r}")


def build_websocket_lambda(spec: Any, services: Any) -> Any:
    """An ``authorize(connect_event, record) -> Outcome`` coroutine for ``spec`` (own cache);
    allowed outcomes carry the ``requestContext.authorizer`` map in ``v1``."""
    decider = LambdaDecider(spec, services, simple=False, iam=True, unauthorized_error=True)

    async def authorize(event: dict[str, Any], record: Any) -> Outcome:
        values, missing = evaluate_all_websocket(spec.identity_source, event)
        if missing is not None:
            return Outcome(401, f"{decider.name}: identity source {missing} is missing (not invoked)")
        arn = connect_arn(event)
        return await decider.decide(values, arn, lambda: authorizer_event(event, arn), record,
                                    check=_flat_context)

    authorize.decider = decider  # type: ignore[attr-defined]
    return authorize
