"""JWT authorizers over real HTTP: a loopback OIDC issuer, RSA keys, tokens signed with pyjwt."""

from __future__ import annotations

import time

import httpx
import jwt
import pytest

from pytest_apigw import (
    Function,
    HttpApi,
    HttpJwtAuthorizer,
    HttpLambdaAuthorizer,
    HttpMethod,
    HttpNoneAuthorizer,
    LambdaProxyIntegration,
    SpecError,
)
from pytest_apigw.invocations import LOG
from tests.embedded.conftest import echo
from tests.support.oidc import AUDIENCE, KEY, OTHER_KEY, Issuer


def echo_fn(version: str = "2.0") -> LambdaProxyIntegration:
    return LambdaProxyIntegration(handler=Function("Echo", handler=echo), payload_format_version=version)


def make_api(issuer: Issuer, scopes=None, version="2.0", **auth_kwargs) -> HttpApi:
    api = HttpApi("JwtApi")
    auth = HttpJwtAuthorizer("Jwt", issuer.url, jwt_audience=[AUDIENCE, "other-client"], **auth_kwargs)
    api.add_routes(path="/books", methods=[HttpMethod.GET], integration=echo_fn(version),
                   authorizer=auth, authorization_scopes=scopes)
    return api


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_valid_token_reaches_the_integration_with_claims(apigw, issuer):
    url = apigw.deploy(make_api(issuer)).url
    token = issuer.token(groups=["admin", "users"], email_verified=True)
    response = httpx.get(f"{url}/books", headers=bearer(token))
    assert response.status_code == 200
    authorizer = response.json()["requestContext"]["authorizer"]
    claims = authorizer["jwt"]["claims"]
    assert claims["sub"] == "user-1" and claims["iss"] == issuer.url and claims["aud"] == AUDIENCE
    # AWS hands every claim over as a string.
    assert claims["exp"] == str(jwt.decode(token, options={"verify_signature": False})["exp"])
    assert claims["groups"] == "[admin users]"
    assert claims["email_verified"] == "true"
    assert authorizer["jwt"]["scopes"] is None  # the route requires no scopes


def test_token_without_bearer_prefix_is_accepted(apigw, issuer):
    url = apigw.deploy(make_api(issuer)).url
    assert httpx.get(f"{url}/books", headers={"Authorization": issuer.token()}).status_code == 200


@pytest.mark.parametrize(
    "case",
    ["missing", "garbage", "empty_bearer", "wrong_signature", "unknown_kid", "no_kid", "wrong_issuer",
     "wrong_audience", "expired", "not_yet_valid", "issued_in_future", "no_exp", "hs256"],
)
def test_rejections_are_401_unauthorized(apigw, issuer, case):
    url = apigw.deploy(make_api(issuer)).url
    now = int(time.time())
    tokens = {
        "missing": None,
        "garbage": "not-a-jwt",
        "empty_bearer": "Bearer",
        "wrong_signature": issuer.token(key=OTHER_KEY),
        "unknown_kid": issuer.token(kid="nope", key=KEY),
        "no_kid": jwt.encode({"iss": issuer.url, "aud": AUDIENCE, "exp": now + 60}, KEY, algorithm="RS256"),
        "wrong_issuer": issuer.token(iss="https://elsewhere.example.com"),
        "wrong_audience": issuer.token(aud="someone-else"),
        "expired": issuer.token(iat=now - 120, exp=now - 60),
        "not_yet_valid": issuer.token(nbf=now + 300),
        "issued_in_future": issuer.token(iat=now + 300),
        "no_exp": issuer.token(exp=None),
        "hs256": jwt.encode({"iss": issuer.url, "aud": AUDIENCE, "exp": now + 60}, "x" * 32,
                            algorithm="HS256", headers={"kid": "k1"}),
    }
    token = tokens[case]
    headers = {} if token is None else {"Authorization": token} if case == "empty_bearer" else bearer(token)
    mark = LOG.mark()
    response = httpx.get(f"{url}/books", headers=headers)
    assert response.status_code == 401
    assert response.json() == {"message": "Unauthorized"}
    record = LOG.since(mark)[-1]
    assert record.error.startswith("JWT authorizer 'Jwt'")  # the report says why
    assert record.event is None  # the integration was not invoked
    challenge = response.headers["www-authenticate"]  # why, as AWS tells the client
    assert challenge.startswith('Bearer scope="" error="invalid_token" error_description="')
    # AWS's own words where recorded (http-api-troubleshooting-jwt.md's curl transcript)
    recorded = {"wrong_audience": "the token does not have a valid audience",
                "expired": "the token has expired"}
    if case in recorded:
        assert challenge.endswith(f'error_description="{recorded[case]}"')


def test_client_id_is_checked_when_there_is_no_aud(apigw, issuer):
    url = apigw.deploy(make_api(issuer)).url
    ok = issuer.token(aud=None, client_id="other-client")
    bad = issuer.token(aud=None, client_id="stranger")
    assert httpx.get(f"{url}/books", headers=bearer(ok)).status_code == 200
    assert httpx.get(f"{url}/books", headers=bearer(bad)).status_code == 401


def test_aud_list_matches_when_any_entry_matches(apigw, issuer):
    url = apigw.deploy(make_api(issuer)).url
    token = issuer.token(aud=["unrelated", AUDIENCE])
    assert httpx.get(f"{url}/books", headers=bearer(token)).status_code == 200


def test_scopes_one_match_is_enough_and_mismatch_is_403(apigw, issuer):
    url = apigw.deploy(make_api(issuer, scopes=["books:read", "books:admin"])).url
    ok = httpx.get(f"{url}/books", headers=bearer(issuer.token(scope="profile books:read")))
    assert ok.status_code == 200
    assert ok.json()["requestContext"]["authorizer"]["jwt"]["scopes"] == ["profile", "books:read"]
    scp = httpx.get(f"{url}/books", headers=bearer(issuer.token(scp=["books:admin"])))
    assert scp.status_code == 200
    mark = LOG.mark()
    denied = httpx.get(f"{url}/books", headers=bearer(issuer.token(scope="profile email")))
    assert denied.status_code == 403
    assert denied.json() == {"message": "Forbidden"}
    assert "include none of the route's" in LOG.since(mark)[-1].error
    none = httpx.get(f"{url}/books", headers=bearer(issuer.token()))
    assert none.status_code == 403


def test_invalid_token_is_401_even_on_a_scoped_route(apigw, issuer):
    url = apigw.deploy(make_api(issuer, scopes=["books:read"])).url
    token = issuer.token(key=OTHER_KEY, scope="books:read")
    assert httpx.get(f"{url}/books", headers=bearer(token)).status_code == 401


def test_payload_1_0_integration_gets_claims_and_scopes(apigw, issuer):
    url = apigw.deploy(make_api(issuer, version="1.0")).url
    event = httpx.get(f"{url}/books", headers=bearer(issuer.token())).json()
    authorizer = event["requestContext"]["authorizer"]
    assert authorizer["claims"]["sub"] == "user-1"
    assert authorizer["scopes"] is None


def test_token_from_a_query_string_identity_source(apigw, issuer):
    api = make_api(issuer, identity_source=["$request.querystring.access_token"])
    url = apigw.deploy(api).url
    assert httpx.get(f"{url}/books", params={"access_token": issuer.token()}).status_code == 200
    assert httpx.get(f"{url}/books", headers=bearer(issuer.token())).status_code == 401


def test_keys_are_fetched_once_and_again_on_rotation(apigw, issuer):
    url = apigw.deploy(make_api(issuer)).url
    for _ in range(3):
        assert httpx.get(f"{url}/books", headers=bearer(issuer.token())).status_code == 200
    assert issuer.hits == {"/.well-known/openid-configuration": 1, "/jwks.json": 1}
    issuer.keys = {"k2": OTHER_KEY}  # the issuer rotates its signing key
    assert httpx.get(f"{url}/books", headers=bearer(issuer.token(kid="k2"))).status_code == 200
    assert issuer.hits["/jwks.json"] == 2


def test_unreachable_issuer_is_401_with_the_reason(apigw, issuer):
    url = apigw.deploy(make_api(issuer)).url
    token = issuer.token()
    issuer.stop()
    mark = LOG.mark()
    assert httpx.get(f"{url}/books", headers=bearer(token)).status_code == 401
    assert "could not fetch the signing keys" in LOG.since(mark)[-1].error


def test_default_authorizer_and_none_authorizer_opt_out(apigw, issuer):
    auth = HttpJwtAuthorizer("Jwt", issuer.url, jwt_audience=[AUDIENCE])
    api = HttpApi("Books", default_authorizer=auth)
    api.add_routes(path="/books", methods=[HttpMethod.GET], integration=echo_fn())
    api.add_routes(path="/health", methods=[HttpMethod.GET], integration=echo_fn(),
                   authorizer=HttpNoneAuthorizer())
    assert api.routes["GET /books"].authorizer is auth
    assert api.routes["GET /health"].authorizer is None
    url = apigw.deploy(api).url
    assert httpx.get(f"{url}/books").status_code == 401
    assert httpx.get(f"{url}/books", headers=bearer(issuer.token())).status_code == 200
    public = httpx.get(f"{url}/health")
    assert public.status_code == 200
    assert "authorizer" not in public.json()["requestContext"]


def test_unknown_route_is_still_404_before_authorization(apigw, issuer):
    url = apigw.deploy(make_api(issuer)).url
    assert httpx.get(f"{url}/nowhere").status_code == 404


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"jwt_issuer": "http://idp.example.com"}, "must be an https URL"),
        ({"jwt_issuer": "idp.example.com"}, "must be an https URL"),
        ({"jwt_audience": []}, "jwt_audience must be a non-empty list"),
        ({"jwt_audience": "books"}, "jwt_audience must be a non-empty list"),
        ({"identity_source": ["Authorization"]}, "not a valid selection expression"),
        ({"identity_source": ["$request.header.A", "$request.header.B"]}, "exactly one identity_source"),
        ({"identity_source": ["$context.routeKey"]}, "exactly one identity_source"),
    ],
)
def test_spec_validation(kwargs, message):
    args = {"jwt_issuer": "https://idp.example.com", "jwt_audience": ["a"], **kwargs}
    with pytest.raises(SpecError, match=message):
        HttpJwtAuthorizer("Jwt", args.pop("jwt_issuer"), **args)


def test_loopback_http_issuer_is_accepted():
    assert HttpJwtAuthorizer("Jwt", "http://localhost:8080/realm", jwt_audience=["a"]).jwt_issuer


def test_scopes_need_a_jwt_authorizer():
    lam = HttpLambdaAuthorizer("Lam", lambda event, context: {"isAuthorized": True})
    api = HttpApi("Api")
    with pytest.raises(SpecError, match="authorization_scopes are supported only with a JWT"):
        api.add_routes(path="/a", integration=echo_fn(), authorizer=lam, authorization_scopes=["s"])
    with pytest.raises(SpecError, match="authorization_scopes are supported only with a JWT"):
        api.add_routes(path="/b", integration=echo_fn(), authorization_scopes=["s"])
    with pytest.raises(SpecError, match="authorizer must be"):
        api.add_routes(path="/c", integration=echo_fn(), authorizer="jwt")
