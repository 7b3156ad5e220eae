"""Authorizers (JWT, Lambda) and CORS provisioned through the AWS API, served by MiniStack.

MiniStack enforces both authorizer types on the invoke URL: a JWT route answers 401 without a
valid token (keys from the issuer's OIDC discovery) and 403 when no route scope matches; a
Lambda (REQUEST) authorizer is invoked with simple or IAM-policy answers and its context reaches
the integration under ``requestContext.authorizer.lambda``.
"""

from __future__ import annotations

import json
import textwrap
from datetime import timedelta

import httpx
import pytest
from pytest_apigw_localstack.translate import http_api

from pytest_apigw import (
    CorsPreflightOptions,
    Function,
    HttpApi,
    HttpJwtAuthorizer,
    HttpLambdaAuthorizer,
    HttpLambdaResponseType,
    HttpMethod,
    HttpNoneAuthorizer,
    LambdaProxyIntegration,
)
from pytest_apigw import capabilities as cap
from tests.support.oidc import AUDIENCE

#: Shipped with ``code=``: an integration echoing the authorizer context, and two authorizers.
HANDLERS = textwrap.dedent('''
    import json

    def echo(event, context):
        ctx = event.get("requestContext") or {}
        return {"statusCode": 200, "headers": {"content-type": "application/json"},
                "body": json.dumps({"routeKey": event.get("routeKey"),
                                    "authorizer": ctx.get("authorizer")})}

    def simple(event, context):
        token = (event.get("headers") or {}).get("authorization")
        return {"isAuthorized": token == "let-me-in", "context": {"user": "alice"}}

    def iam(event, context):
        token = (event.get("headers") or {}).get("authorization")
        effect = "Allow" if token == "allow" else "Deny"
        return {"principalId": "bob", "context": {"tier": "gold"}, "policyDocument": {
            "Version": "2012-10-17",
            "Statement": [{"Action": "execute-api:Invoke", "Effect": effect,
                           "Resource": event["routeArn"]}]}}
''')


@pytest.fixture(scope="module")
def code(tmp_path_factory):
    root = tmp_path_factory.mktemp("authz_code")
    (root / "authz_handlers.py").write_text(HANDLERS)
    return root


def _fn(code, name: str) -> Function:
    return Function(name.capitalize(), handler=f"authz_handlers.{name}", code=code)


def _api(code, issuer_url: str) -> HttpApi:
    """JWT by default (one route scoped), a simple and an IAM Lambda authorizer, a public route."""
    jwt_auth = HttpJwtAuthorizer("Jwt", issuer_url, jwt_audience=[AUDIENCE, "other-client"])
    simple = HttpLambdaAuthorizer("Simple", _fn(code, "simple"), results_cache_ttl=0,
                                  response_types=[HttpLambdaResponseType.SIMPLE])
    iam = HttpLambdaAuthorizer("Iam", _fn(code, "iam"), results_cache_ttl=timedelta(seconds=30),
                               identity_source=["$request.header.Authorization", "$request.querystring.t"])
    integration = LambdaProxyIntegration(handler=_fn(code, "echo"))
    api = HttpApi("Authz", default_authorizer=jwt_auth, cors_preflight=CorsPreflightOptions(
        allow_origins=["https://app.example"], allow_methods=[HttpMethod.GET], max_age=timedelta(minutes=10)))
    api.add_routes(path="/jwt", methods=[HttpMethod.GET], integration=integration)
    api.add_routes(path="/scoped", methods=[HttpMethod.GET], integration=integration,
                   authorization_scopes=["books:read"])
    api.add_routes(path="/simple", methods=[HttpMethod.GET, HttpMethod.POST], integration=integration,
                   authorizer=simple)
    api.add_routes(path="/iam", methods=[HttpMethod.GET], integration=integration, authorizer=iam)
    api.add_routes(path="/public", methods=[HttpMethod.GET], integration=integration,
                   authorizer=HttpNoneAuthorizer())
    return api


def test_authorizers_and_cors_are_provisioned(deploy, aws, code) -> None:
    api = _api(code, "https://issuer.example/realms/books")
    deployment = deploy(api)
    api_id = deployment.api_id
    v2 = aws.apigatewayv2

    authorizers = {a["Name"]: a for a in v2.get_authorizers(ApiId=api_id)["Items"]}
    assert sorted(authorizers) == ["Iam", "Jwt", "Simple"]  # one per spec object, shared by routes
    jwt_a, simple_a, iam_a = authorizers["Jwt"], authorizers["Simple"], authorizers["Iam"]
    assert jwt_a["AuthorizerType"] == "JWT"
    assert jwt_a["IdentitySource"] == ["$request.header.Authorization"]
    assert jwt_a["JwtConfiguration"] == {"Issuer": "https://issuer.example/realms/books",
                                         "Audience": [AUDIENCE, "other-client"]}
    assert simple_a["AuthorizerType"] == "REQUEST"
    assert simple_a["AuthorizerPayloadFormatVersion"] == "2.0"
    assert simple_a["EnableSimpleResponses"] is True
    assert simple_a["AuthorizerResultTtlInSeconds"] == 0
    assert iam_a["EnableSimpleResponses"] is False
    assert iam_a["AuthorizerResultTtlInSeconds"] == 30
    assert iam_a["IdentitySource"] == ["$request.header.Authorization", "$request.querystring.t"]

    lam = aws.get("lambda")
    for name, authorizer in (("Simple", simple_a), ("Iam", iam_a)):
        uri = authorizer["AuthorizerUri"]
        assert uri.startswith(f"arn:aws:apigateway:{aws.region}:lambda:path/2015-03-31/functions/arn:")
        function_arn = uri.split("/functions/", 1)[1].removesuffix("/invocations")
        assert lam.get_function_configuration(FunctionName=function_arn)["Handler"] == \
            f"authz_handlers.{name.lower()}"
        policy = json.loads(lam.get_policy(FunctionName=function_arn)["Policy"])
        (statement,) = policy["Statement"]
        assert statement["Principal"] == {"Service": "apigateway.amazonaws.com"}
        assert statement["Action"] == "lambda:InvokeFunction"
        assert statement["Condition"]["ArnLike"]["AWS:SourceArn"] == (
            f"arn:aws:execute-api:{aws.region}:{aws.account_id}:{api_id}/authorizers/"
            f"{authorizer['AuthorizerId']}")

    routes = {r["RouteKey"]: r for r in v2.get_routes(ApiId=api_id)["Items"]}
    expected = {
        "GET /jwt": ("JWT", jwt_a, None), "GET /scoped": ("JWT", jwt_a, ["books:read"]),
        "GET /simple": ("CUSTOM", simple_a, None), "POST /simple": ("CUSTOM", simple_a, None),
        "GET /iam": ("CUSTOM", iam_a, None), "GET /public": ("NONE", None, None),
    }
    assert sorted(routes) == sorted(expected)
    for key, (kind, authorizer, scopes) in expected.items():
        route = routes[key]
        assert route["AuthorizationType"] == kind, key
        assert route.get("AuthorizerId") == (authorizer["AuthorizerId"] if authorizer else None), key
        assert (route.get("AuthorizationScopes") or None) == scopes, key

    cors = v2.get_api(ApiId=api_id)["CorsConfiguration"]
    assert cors == {"AllowOrigins": ["https://app.example"], "AllowMethods": ["GET"], "MaxAge": 600}

    kinds = [r.kind for r in deployment.handle.ledger.resources]
    assert kinds.count("authorizer") == 3
    assert kinds.index("api") < kinds.index("authorizer")
    deployment.close()
    with pytest.raises(v2.exceptions.NotFoundException):
        v2.get_authorizers(ApiId=api_id)
    names = {f["FunctionName"] for f in lam.list_functions()["Functions"]}
    assert not names & {r.id for r in deployment.handle.ledger.of("function")}
    assert not deployment.handle.ledger.resources


def test_ministack_enforces_authorizers(deploy, code, issuer) -> None:
    api = _api(code, issuer.url)
    url = deploy(api).url

    def get(path: str, token: str | None = None, **params: str) -> httpx.Response:
        headers = {"Authorization": token} if token is not None else {}
        return httpx.get(f"{url}{path}", headers=headers, params=params, timeout=30)

    # JWT: missing / garbage token 401; valid token reaches the integration with its claims.
    assert get("/jwt").status_code == 401
    assert get("/jwt", "Bearer not-a-jwt").status_code == 401
    assert get("/jwt", f"Bearer {issuer.token(aud='someone-else')}").status_code == 401
    ok = get("/jwt", f"Bearer {issuer.token(scope='books:read')}")
    assert ok.status_code == 200, ok.text
    assert ok.json()["authorizer"]["jwt"]["claims"]["sub"] == "user-1"
    # Scopes: none matching is 403, one matching is enough.
    assert get("/scoped", f"Bearer {issuer.token(scope='books:write')}").status_code == 403
    assert get("/scoped", f"Bearer {issuer.token(scope='x books:read')}").status_code == 200

    # Lambda, simple answers: allow with context, deny 403.
    allowed = get("/simple", "let-me-in")
    assert allowed.status_code == 200, allowed.text
    assert allowed.json()["authorizer"] == {"lambda": {"user": "alice"}}
    assert get("/simple", "nope").status_code == 403

    # Lambda, IAM policy (cached, two identity sources): a missing source is 401 uninvoked.
    assert get("/iam", "allow").status_code == 401
    granted = get("/iam", "allow", t="1")
    assert granted.status_code == 200, granted.text
    assert granted.json()["authorizer"]["lambda"] == {"tier": "gold", "principalId": "bob"}
    assert get("/iam", "deny", t="1").status_code == 403

    # The opted-out route needs nothing.
    assert get("/public").status_code == 200


def test_cors_configuration_sends_only_what_is_set() -> None:
    assert http_api._cors(CorsPreflightOptions(allow_origins=["https://a.example"])) == {
        "AllowOrigins": ["https://a.example"]}
    full = CorsPreflightOptions(allow_origins=["https://a.example"], allow_methods=["*"],
                                allow_headers=["authorization"], expose_headers=["x-id"],
                                allow_credentials=True, max_age=timedelta(days=1))
    assert http_api._cors(full) == {
        "AllowOrigins": ["https://a.example"], "AllowMethods": ["*"], "AllowHeaders": ["authorization"],
        "ExposeHeaders": ["x-id"], "AllowCredentials": True, "MaxAge": 86400}
    assert http_api._cors(CorsPreflightOptions(max_age=0)) == {"MaxAge": 0}
    assert http_api._cors(None) is None


def test_capabilities_on_ministack(localstack) -> None:
    """Authorizers are served; the details MiniStack gets wrong are gaps with their reasons."""
    assert localstack.supports(cap.AUTHORIZERS)
    assert cap.AUTHORIZER_JWT_DETAILS not in localstack.capabilities
    assert "MiniStack" in localstack.capability_gaps[cap.AUTHORIZER_JWT_DETAILS]
    # served since MiniStack 1.5.33 (test_ministack_gaps.py runs the case)
    assert cap.AUTHORIZER_IDENTITY_CHECK in localstack.capabilities
    for detail in (cap.AUTHORIZER_JWT_DETAILS, cap.AUTHORIZER_IDENTITY_CHECK):
        assert cap.REFINES[detail] == cap.AUTHORIZERS
