"""Conformance: JWT authorizers (``http-api-jwt-authorizer.md``).

Generated authorizers (1-3 audiences; the token in ``Authorization``, another header or the
query string) in front of routes requiring generated scopes (one route sometimes public), and
generated tokens signed by a loopback OIDC issuer (:class:`~pytest_apigw.issuer.LoopbackIssuer`):
valid, or wrong in one or more of ``kid``, signature, ``iss``, ``aud``/``client_id``, ``exp``,
``nbf``, scopes, or not a JWT, or not sent. The model (:mod:`.model.jwt_authorizer`) predicts
401/403 or the event with ``requestContext.authorizer`` (claims as strings, scopes).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest
from hypothesis import example, given, note
from hypothesis import strategies as st

from pytest_apigw import capabilities
from pytest_apigw.contract.authorized import check_authorized
from pytest_apigw.contract.cases import ECHO, echo_versions, send
from pytest_apigw.contract.explicit import scripted
from pytest_apigw.contract.model.jwt_authorizer import Presented, jwt_verdict
from pytest_apigw.contract.model.verdict import Verdict
from pytest_apigw.contract.profiles import contract_settings, per_deployment
from pytest_apigw.contract.report import format_case, route_table
from pytest_apigw.issuer import KID, LoopbackIssuer
from pytest_apigw.spec import HttpApi, HttpJwtAuthorizer, HttpNoneAuthorizer, LambdaProxyIntegration
from pytest_apigw.strategies.authorizers import MARGIN, JwtSetup, TokenPlan, jwt_setups, token_plans
from pytest_apigw.strategies.wire import HttpRequest

if TYPE_CHECKING:
    from collections.abc import Callable

    from pytest_apigw.backend import Backend
    from pytest_apigw.contract.gaps import Gaps
    from pytest_apigw.session import Apigw


@pytest.fixture(scope="module")
def contract_issuer() -> Iterator[LoopbackIssuer]:
    """A loopback OIDC issuer (discovery and JWKS on 127.0.0.1) signing the case's tokens."""
    with LoopbackIssuer() as issuer:
        yield issuer


def jwt_api(issuer: str, setup: JwtSetup, version: str) -> HttpApi:
    """The setup's routes to the echo probe behind one JWT authorizer (the API's default)."""
    authorizer = HttpJwtAuthorizer("ContractJwt", issuer, jwt_audience=list(setup.audiences),
                                   identity_source=[setup.identity_source])
    echo = LambdaProxyIntegration(handler=ECHO, payload_format_version=version)
    api = HttpApi("JwtAuthorized", default_authorizer=authorizer)
    for key, scopes in setup.route_scopes.items():
        method, _, path = key.partition(" ")
        if scopes is None:
            api.add_routes(path=path, methods=[method], integration=echo, authorizer=HttpNoneAuthorizer())
        else:
            api.add_routes(path=path, methods=[method], integration=echo, authorization_scopes=list(scopes))
    return api


def presented_request(issuer: LoopbackIssuer, setup: JwtSetup, route_key: str, plan: TokenPlan
                      ) -> tuple[HttpRequest, Presented]:
    """The request carrying ``plan``'s token where the authorizer looks, and what it presents."""
    method, _, path = route_key.partition(" ")
    if not plan.sent:
        return HttpRequest(method, path), Presented(None)
    claims = plan.claims(issuer.url)
    if plan.form == "garbage":
        token = "not.a-jwt"
    else:
        kid = KID if plan.kid_known else "unknown-kid"
        token = issuer.sign(claims, kid=kid, stranger=not plan.signed_by_issuer)
    value = f"Bearer {token}" if plan.bearer else token
    kind, _, name = setup.identity_source[1:].partition(".")[2].partition(".")
    if kind == "header":
        request = HttpRequest(method, path, headers=((name, value),))
    else:
        request = HttpRequest(method, path, query=((name, value),))
    return request, Presented(claims, is_jwt=plan.form == "jwt", kid_known=plan.kid_known,
                              signed_by_issuer=plan.signed_by_issuer)


#: The edge cases every run meets first (``http-api-jwt-authorizer.md``, "Validating a JWT"):
#: claims reach the integration as strings; a token lacking the route's scope is refused 403;
#: an expired token 401; a public route needs no token.
DOCUMENTED = scripted({
    "authorizer": JwtSetup(("books-api",), "$request.header.Authorization",
                           {"GET /books": (), "POST /books": ("write",), "GET /admin": None}),
    "payload": "2.0",
    "route": ["GET /books", "POST /books", "GET /books", "GET /admin"],
    "token": [TokenPlan(extra=(("n", 42), ("tier", "gold"))),
              TokenPlan(scope_claim="scope", scopes=("read",)),
              TokenPlan(exp=-MARGIN, scope_claim="scp", scopes=("write",)),
              TokenPlan(sent=False)],
})


@contract_settings()
@given(data=st.data())
@example(data=DOCUMENTED)
def test_jwt_authorizer_answers_and_claims(
    apigw_session: Apigw, apigw_backend: Backend, require: Callable[[str], None], gaps: Gaps,
    contract_issuer: LoopbackIssuer, data: st.DataObject,
) -> None:
    require(capabilities.AUTHORIZERS)
    require(capabilities.LAMBDA_PROXY)
    if apigw_backend.name == "aws":
        pytest.skip("the issuer listens on loopback, which AWS cannot reach")
    setup = data.draw(jwt_setups(), label="authorizer")
    version = data.draw(st.sampled_from(echo_versions(apigw_backend)), label="payload")
    api = jwt_api(contract_issuer.url, setup, version)
    note(f"{route_table(api)}\naudiences {setup.audiences}, identity source {setup.identity_source}, "
         f"scopes {setup.route_scopes}")
    with apigw_session.deployed(api) as deployment:
        for index in range(per_deployment()):
            route_key = data.draw(st.sampled_from(list(setup.route_scopes)), label=f"route {index}")
            plan = data.draw(token_plans(setup.audiences), label=f"token {index}")
            request, presented = presented_request(contract_issuer, setup, route_key, plan)
            now = time.time()

            def decide(key: str, presented: Presented = presented, now: float = now) -> Verdict | None:
                scopes = setup.route_scopes.get(key)
                if scopes is None:
                    return None
                return jwt_verdict(issuer=contract_issuer.url, audiences=setup.audiences,
                                   route_scopes=scopes, presented=presented, now=now)

            response, host = send(request, deployment)
            diffs, prediction, observed = check_authorized(api, deployment.api_id, request, response, host,
                                                           decide, gaps)
            rule = getattr(prediction, "authorizer_rule", "no authorizer")
            note(f"{request.method} {request.path} {plan} -> {response.status}; model: {rule}")
            assert not diffs, f"JWT authorizer: {rule}\n" + format_case(
                api, request, prediction, response, diffs, observed)
