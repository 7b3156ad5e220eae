"""Conformance: Lambda authorizers of HTTP APIs (``http-api-lambda-authorizer.md``).

Generated authorizers (payload 1.0 or 2.0, simple or IAM answers, 0-3 identity sources among a
header, a query parameter, ``$context.routeKey`` and a stage variable, results cached for 300 s
or not) on generated routes; a sequence of requests with few distinct identity values, each
asking the probe authorizer (``contract_authorizers.authorize``) for an answer: allow, allow
this route only, deny, fail, nonsense. The model (:mod:`.model.lambda_authorizer`) predicts
401 (not invoked), 403, 500 or the event with the authorizer's context, and *which* invocation's
result each request got: a cached result carries the invocation id of the request that made it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from hypothesis import example, given, note
from hypothesis import strategies as st

from pytest_apigw import capabilities
from pytest_apigw.contract.authorized import check_authorized
from pytest_apigw.contract.cases import ECHO, echo_versions, send
from pytest_apigw.contract.explicit import scripted
from pytest_apigw.contract.model.expect import Diff
from pytest_apigw.contract.model.lambda_authorizer import Expected, LambdaAuthorizerModel
from pytest_apigw.contract.model.verdict import Verdict
from pytest_apigw.contract.probes import CODE_DIR
from pytest_apigw.contract.profiles import contract_settings, per_deployment
from pytest_apigw.contract.report import format_case, route_table
from pytest_apigw.spec import (
    Function,
    HttpApi,
    HttpLambdaAuthorizer,
    HttpLambdaResponseType,
    HttpStage,
    LambdaProxyIntegration,
)
from pytest_apigw.strategies.authorizers import (
    AUTH_ROUTES,
    AuthRequest,
    LambdaSetup,
    auth_requests,
    lambda_setups,
)
from pytest_apigw.strategies.wire import HttpRequest

if TYPE_CHECKING:
    from collections.abc import Callable

    from pytest_apigw.backend import Backend
    from pytest_apigw.contract.gaps import Gaps
    from pytest_apigw.session import Apigw

STAGE_VARIABLES = {"tier": "gold"}


def authorizer_function(simple: bool) -> Function:
    """The probe authorizer, answering simple responses or IAM policies."""
    return Function("ContractAuthorizer", handler="contract_authorizers.authorize", code=CODE_DIR,
                    environment={"CONTRACT_AUTH_ANSWER": "simple" if simple else "iam"})


def lambda_api(setup: LambdaSetup, version: str) -> HttpApi:
    """Every route of :data:`AUTH_ROUTES` to the echo probe; the setup's routes behind the
    authorizer; a ``$default`` stage with :data:`STAGE_VARIABLES`."""
    types = [HttpLambdaResponseType.SIMPLE if setup.simple else HttpLambdaResponseType.IAM]
    authorizer = HttpLambdaAuthorizer(
        "ContractLambdaAuthorizer", authorizer_function(setup.simple), response_types=types,
        identity_source=list(setup.identity_source), results_cache_ttl=setup.ttl,
        payload_format_version=setup.payload_format_version)
    echo = LambdaProxyIntegration(handler=ECHO, payload_format_version=version)
    api = HttpApi("LambdaAuthorized", create_default_stage=False)
    HttpStage("Default", http_api=api, stage_name="$default", stage_variables=dict(STAGE_VARIABLES))
    for key in AUTH_ROUTES:
        method, _, path = key.partition(" ")
        chosen = authorizer if key in setup.authorized_routes else None
        api.add_routes(path=path, methods=[method], integration=echo, authorizer=chosen)
    return api


def as_request(wanted: AuthRequest) -> HttpRequest:
    """The HTTP request of one generated :class:`AuthRequest`."""
    method, _, path = wanted.route_key.partition(" ")
    headers = [("x-decide", wanted.decide)] + ([("x-id", wanted.x_id)] if wanted.x_id else [])
    query = (("id", wanted.query_id),) if wanted.query_id else ()
    return HttpRequest(method, path, query=query, headers=tuple(headers))


def _invocation_id(observed: Any, version: str) -> Any:
    if not isinstance(observed, dict):
        return None
    context = (observed.get("requestContext") or {}).get("authorizer")
    if isinstance(context, dict) and version == "2.0":
        context = context.get("lambda")
    return context.get("invocation") if isinstance(context, dict) else None


def which_invocation(expected: Expected | None, observed: Any, version: str, seen: dict[int, Any]
                     ) -> list[Diff]:
    """A fresh invocation must carry an id no earlier request saw; a cached result the id of
    the request that made it."""
    if expected is None or expected.invocation is None or expected.verdict.response is not None:
        return []
    got = _invocation_id(observed, version)
    made_by = expected.invocation.index
    where = "requestContext.authorizer.invocation"
    if made_by in seen:
        return [] if got == seen[made_by] else [Diff(where, f"request {made_by}'s ({seen[made_by]})", got)]
    seen[made_by] = got
    earlier = {i for k, i in seen.items() if k != made_by}
    return [Diff(where, "a new invocation", got)] if got in earlier else []


#: The edge cases every run meets first (``http-api-lambda-authorizer.md``): the authorizer's
#: context reaches the integration; a cached result serves the same identity again (caching is
#: on with an identity source and a TTL); another identity gets a result of its own.
DOCUMENTED = scripted({
    "authorizer": LambdaSetup("2.0", True, ("$request.header.x-id",), 300, ("GET /books", "POST /books")),
    "payload": "2.0",
    "request": [AuthRequest("GET /books", "alice", None, "allow"),
                AuthRequest("GET /books", "alice", None, "allow"),
                AuthRequest("POST /books", "bob", None, "deny"),
                AuthRequest("GET /admin", None, None, "allow")],
})


@contract_settings()
@given(data=st.data())
@example(data=DOCUMENTED)
def test_lambda_authorizer_answers_context_and_cache(
    apigw_session: Apigw, apigw_backend: Backend, require: Callable[[str], None], gaps: Gaps,
    data: st.DataObject,
) -> None:
    require(capabilities.AUTHORIZERS)
    require(capabilities.LAMBDA_PROXY)
    setup = data.draw(lambda_setups(), label="authorizer")
    version = data.draw(st.sampled_from(echo_versions(apigw_backend)), label="payload")
    api = lambda_api(setup, version)
    model = LambdaAuthorizerModel(version=setup.payload_format_version, simple=setup.simple,
                                  sources=setup.identity_source, ttl=setup.ttl,
                                  stage_variables=STAGE_VARIABLES)
    note(f"{route_table(api)}\n{setup}")
    seen: dict[int, Any] = {}
    with apigw_session.deployed(api) as deployment:
        for index in range(2 * per_deployment()):
            wanted = data.draw(auth_requests(), label=f"request {index}")
            request = as_request(wanted)
            headers = {k.lower(): v for k, v in request.headers}
            expected = None
            if wanted.route_key in setup.authorized_routes:  # the model keeps the cache: once
                expected = model.request(index, wanted.route_key, headers, dict(request.query), wanted.decide)

            def decide(key: str, expected: Expected | None = expected) -> Verdict | None:
                return expected.verdict if expected is not None else None

            response, host = send(request, deployment)
            diffs, prediction, observed = check_authorized(api, deployment.api_id, request, response, host,
                                                           decide, gaps)
            diffs += which_invocation(expected, observed, version, seen)
            rule = getattr(prediction, "authorizer_rule", "no authorizer")
            note(f"{index}: {wanted} -> {response.status}; model: {rule}")
            assert not diffs, f"Lambda authorizer: {rule}\n" + format_case(
                api, request, prediction, response, diffs, observed)

