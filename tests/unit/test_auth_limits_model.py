"""The reference model of authorizers, throttling, size limits and timeouts, case by case (the
conformance suite checks backends against it; these check it against the AWS pages it cites)."""

from __future__ import annotations

import pytest

from pytest_apigw import capabilities as cap
from pytest_apigw.contract.authorized import Judged
from pytest_apigw.contract.gaps import explains
from pytest_apigw.contract.model.expect import PRESENT, UNSPECIFIED, Diff
from pytest_apigw.contract.model.jwt_authorizer import NO_EXP, Presented, claim_text, jwt_verdict
from pytest_apigw.contract.model.lambda_authorizer import MISSING_UNCACHED, LambdaAuthorizerModel
from pytest_apigw.contract.model.limits import EITHER, HEAD_TOO_LARGE, MAX_HEAD, head_sizes, limit_verdict
from pytest_apigw.contract.model.throttling import EITHER as MAYBE
from pytest_apigw.contract.model.throttling import PASS, THROTTLED, ThrottleModel
from pytest_apigw.contract.model.timeouts import http_timeout, lambda_timeout
from pytest_apigw.strategies.authorizers import TokenPlan
from pytest_apigw.strategies.wire import HttpRequest

ISSUER = "http://127.0.0.1:9/contract/x"
NOW = 1_700_000_000


def _jwt(plan: TokenPlan, scopes: tuple[str, ...] = (), audiences: tuple[str, ...] = ("books-api",)):
    presented = Presented(plan.claims(ISSUER, NOW) if plan.sent else None, kid_known=plan.kid_known,
                          signed_by_issuer=plan.signed_by_issuer, is_jwt=plan.form == "jwt")
    return jwt_verdict(issuer=ISSUER, audiences=audiences, route_scopes=scopes, presented=presented, now=NOW)


def test_a_valid_token_reaches_the_integration_with_its_claims_as_strings() -> None:
    verdict = _jwt(TokenPlan(scope_claim="scope", scopes=("read", "write"), extra=(("n", 7),)), ("write",))
    assert verdict.response is None
    jwt = verdict.authorizer_v2["jwt"]
    assert jwt["claims"]["n"] == "7" and jwt["claims"]["exp"] == str(NOW + 600)
    assert jwt["scopes"] == ["read", "write"]  # the token's order
    assert verdict.authorizer_v1["claims"] == jwt["claims"]
    assert _jwt(TokenPlan()).authorizer_v2["jwt"]["scopes"] is UNSPECIFIED  # no route scopes


@pytest.mark.parametrize(("plan", "status"), [
    (TokenPlan(sent=False), 401), (TokenPlan(form="garbage"), 401), (TokenPlan(kid_known=False), 401),
    (TokenPlan(signed_by_issuer=False), 401), (TokenPlan(iss_ok=False), 401),
    (TokenPlan(aud=("someone-else",)), 401), (TokenPlan(aud=None, client_id="books-api"), None),
    (TokenPlan(aud=None, client_id="web"), 401), (TokenPlan(aud=("web", "books-api")), None),
    (TokenPlan(exp=-600), 401), (TokenPlan(exp=None), 401), (TokenPlan(nbf=600), 401),
    (TokenPlan(nbf=-60), None),
])
def test_jwt_claims_checked_as_the_workflow_lists_them(plan: TokenPlan, status: int | None) -> None:
    verdict = _jwt(plan)
    assert (verdict.response.status if verdict.response else None) == status, verdict.rule


def test_scopes_from_scope_or_scp_and_403_when_none_matches() -> None:
    assert _jwt(TokenPlan(scope_claim="scp", scopes=("admin",)), ("admin", "x")).response is None
    refused = _jwt(TokenPlan(scope_claim="scope", scopes=("read",)), ("admin",))
    assert refused.response is not None and refused.response.status == 403
    assert _jwt(TokenPlan(), ("admin",)).response.status == 403  # type: ignore[union-attr]


def test_claim_text() -> None:
    assert [claim_text(v) for v in ("a", 1, True, ["x", "y"])] == ["a", "1", "true", "[x y]"]


def _lambda(**kw):
    options = {"version": "2.0", "simple": False, "sources": ("$request.header.x-id",), "ttl": 300,
               "stage_variables": {"tier": "gold"}, **kw}
    return LambdaAuthorizerModel(**options)


def test_a_missing_identity_source_is_401_without_invoking() -> None:
    model = _lambda(ttl=0)
    expected = model.request(0, "GET /books", {}, {}, "allow")
    assert expected.verdict.response.status == 401 and expected.invocation is None  # type: ignore[union-attr]
    assert expected.verdict.rule == MISSING_UNCACHED


def test_a_cached_result_answers_later_requests_with_the_same_identity() -> None:
    model = _lambda()
    first = model.request(0, "GET /books", {"x-id": "alice"}, {}, "allow")
    assert first.verdict.response is None and first.invocation.index == 0  # type: ignore[union-attr]
    assert first.verdict.authorizer_v2["lambda"]["invocation"] is PRESENT
    again = model.request(1, "POST /books", {"x-id": "alice"}, {}, "deny")  # the cached Allow wins
    assert again.verdict.response is None and again.invocation.index == 0  # type: ignore[union-attr]
    other = model.request(2, "GET /books", {"x-id": "bob"}, {}, "deny")
    assert other.verdict.response.status == 403  # type: ignore[union-attr]


def test_a_cached_route_policy_denies_another_route_and_simple_answers_do_not() -> None:
    iam = _lambda()
    assert iam.request(0, "GET /books", {"x-id": "a"}, {}, "route").verdict.response is None
    assert iam.request(1, "GET /admin", {"x-id": "a"}, {}, "allow").verdict.response.status == 403  # type: ignore[union-attr]
    simple = _lambda(simple=True)
    assert simple.request(0, "GET /books", {"x-id": "a"}, {}, "route").verdict.response is None
    assert simple.request(1, "GET /admin", {"x-id": "a"}, {}, "deny").verdict.response is None


def test_failures_are_500_and_not_cached() -> None:
    model = _lambda()
    assert model.request(0, "GET /books", {"x-id": "a"}, {}, "boom").verdict.response.status == 500  # type: ignore[union-attr]
    assert model.request(1, "GET /books", {"x-id": "a"}, {}, "allow").invocation.index == 1  # type: ignore[union-attr]


def test_identity_values_and_the_1_0_context() -> None:
    sources = ("$request.querystring.id", "$context.routeKey", "$stageVariables.tier")
    model = _lambda(version="1.0", sources=sources)
    expected = model.request(0, "GET /books", {}, {"id": "7"}, "allow")
    assert expected.verdict.authorizer_v1["identity"] == '"7,GET /books,gold"'


def test_throttling_bounds_the_bucket() -> None:
    model = ThrottleModel((0.0, 2), {"GET /a": (0.0, 0)})
    assert model.predict("GET /a", 0.0, 0.01)[0] == THROTTLED  # burst 0, rate 0
    outcomes = []
    for step in range(3):
        outcome, _ = model.predict("GET /b", step * 0.01, step * 0.01 + 0.005)
        outcomes.append(outcome)
        model.observe("GET /b", step * 0.01, throttled=outcome == THROTTLED)
    assert outcomes == [PASS, PASS, THROTTLED]
    fast = ThrottleModel((2.0, 1), {})
    fast.observe("GET /c", 0.0, throttled=False)
    assert fast.predict("GET /c", 0.1, 0.2)[0] == THROTTLED  # 0.4 token refilled at most
    assert fast.predict("GET /c", 0.1, 0.9)[0] == MAYBE  # 0 to 1 token: either
    assert ThrottleModel(None, {}).predict("GET /c", 0, 0)[0] == PASS


def test_head_sizes_and_limits() -> None:
    small = HttpRequest("GET", "/x", headers=(("x-a", "b"),))
    low, high = head_sizes(small, "h:1")
    assert low == len("GET /x HTTP/1.1") + len("h:1") + 1 and high > low
    assert limit_verdict(small, "h:1")[0] is None
    big = HttpRequest("GET", "/x", headers=(("x-a", "b" * MAX_HEAD),))
    assert limit_verdict(big, "h:1")[0] is HEAD_TOO_LARGE
    edge = HttpRequest("GET", "/x", headers=(("x-a", "b" * (MAX_HEAD - 30)),))
    assert limit_verdict(edge, "h:1")[0] == EITHER
    huge = HttpRequest("POST", "/x", body=b"b" * (10 * 1024 * 1024 + 1))
    assert limit_verdict(huge, "h:1")[0].status == 413  # type: ignore[union-attr]


def test_timeouts() -> None:
    assert http_timeout(0.5, 0.9)[0].status == 504  # type: ignore[union-attr]
    assert http_timeout(0.5, 0.0)[0] is None
    assert lambda_timeout(0.5, 10.0, 0.9)[0].status == 503  # type: ignore[union-attr]
    assert lambda_timeout(30.0, 1.0, 1.4)[0].status == 500  # type: ignore[union-attr]
    with pytest.raises(ValueError, match="within"):
        lambda_timeout(0.5, 10.0, 0.6)


def test_the_new_gaps_excuse_their_fields_under_their_rules() -> None:
    status = Diff("status", 401, 200)
    assert explains(cap.AUTHORIZER_JWT_DETAILS, status, prediction=Judged(None, NO_EXP))
    assert not explains(cap.AUTHORIZER_JWT_DETAILS, status, prediction=Judged(None, "exp is past"))
    assert explains(cap.AUTHORIZER_JWT_DETAILS, Diff("requestContext.authorizer.jwt.scopes[0]", "a", "b"))
    assert not explains(cap.AUTHORIZER_JWT_DETAILS, Diff("requestContext.authorizer.lambda.x", "a", "b"))
    assert explains(cap.THROTTLING, Diff("status", 429, 200), prediction=Judged(None, "throttled: x"))
    assert not explains(cap.THROTTLING, Diff("status", 200, 429), prediction=Judged(None, "no limits"))
    assert explains(cap.AUTHORIZER_IDENTITY_CHECK, status, prediction=Judged(None, MISSING_UNCACHED))
    assert not explains(cap.AUTHORIZER_EVENT_V1, Diff("requestContext.authorizer.lambda.decided", "a", "b"))
