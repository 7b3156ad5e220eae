"""The MiniStack gaps the conformance suite does not exercise, run as cases against the installed
MiniStack (``capabilities.MINISTACK_VERSION``): a gap still declared must still be there, and what
MiniStack now gets right is no longer declared and is served as AWS does. When MiniStack is
upgraded and one of these fails, update ``MINISTACK_GAPS`` (and its version) to what it does now.

(The conformance suite covers the event and response gaps itself: with a declared gap removed,
its cases fail on MiniStack.)
"""

from __future__ import annotations

import importlib.metadata
import textwrap

import httpx
import pytest
from pytest_apigw_localstack import capabilities as caps

from pytest_apigw import (
    CorsPreflightOptions,
    Function,
    HttpApi,
    HttpJwtAuthorizer,
    HttpLambdaAuthorizer,
    HttpLambdaResponseType,
    HttpMethod,
    LambdaProxyIntegration,
)
from pytest_apigw import capabilities as cap
from pytest_apigw.contract.gaps import explains
from pytest_apigw.contract.model.expect import Diff
from pytest_apigw.strategies import HttpRequest
from tests.support.oidc import AUDIENCE, OTHER_KEY

HANDLERS = textwrap.dedent('''
    import json

    def echo(event, context):
        return {"statusCode": 200, "headers": {"content-type": "application/json"},
                "body": json.dumps((event.get("requestContext") or {}).get("authorizer"))}

    def simple(event, context):
        return {"isAuthorized": False}

    def echo_event(event, context):
        return {"statusCode": 200, "headers": {"content-type": "application/json"}, "body": json.dumps(event)}
''')


@pytest.fixture(scope="module")
def code(tmp_path_factory):
    root = tmp_path_factory.mktemp("gap_code")
    (root / "gap_handlers.py").write_text(HANDLERS)
    return root


def test_the_gaps_were_checked_against_the_installed_ministack() -> None:
    assert importlib.metadata.version("ministack") == caps.MINISTACK_VERSION, (
        "MiniStack changed: run the conformance suite with each gap removed and this module, and "
        "update MINISTACK_GAPS and MINISTACK_VERSION")
    assert all(f"MiniStack {caps.MINISTACK_VERSION}" in reason for reason in caps.MINISTACK_GAPS.values())


def test_jwt_details_that_ministack_still_gets_wrong(deploy, code, issuer) -> None:
    api = HttpApi("JwtGaps", default_authorizer=HttpJwtAuthorizer("Jwt", issuer.url, jwt_audience=[AUDIENCE]))
    api.add_routes(path="/jwt", methods=[HttpMethod.GET],
                   integration=LambdaProxyIntegration(handler=Function("Echo", handler="gap_handlers.echo",
                                                                       code=code)))
    url = f"{deploy(api).url}/jwt"

    def get(token: str) -> httpx.Response:
        return httpx.get(url, headers={"Authorization": f"Bearer {token}"}, timeout=30)

    # Fixed in MiniStack 1.5.33: every claim reaches the integration as a string, as on AWS.
    typed = get(issuer.token(n=5, admin=True, groups=["a", "b"], scope="b:x a:x"))
    assert typed.status_code == 200, typed.text
    jwt = typed.json()["jwt"]
    assert (jwt["claims"]["n"], jwt["claims"]["admin"], jwt["claims"]["groups"]) == ("5", "true", "[a b]")
    # Still a gap: scopes sorted (AWS: the token's order) ...
    assert jwt["scopes"] == ["a:x", "b:x"]
    # ... a token without exp accepted (AWS: 401) ...
    assert get(issuer.token(exp=None)).status_code == 200
    # ... and the JWKS kept: a new kid is not fetched (AWS fetches the keys again: key rotation).
    issuer.keys = {"k2": OTHER_KEY}
    assert get(issuer.token(kid="k2")).status_code == 401
    assert cap.AUTHORIZER_JWT_DETAILS in caps.MINISTACK_GAPS


def test_a_missing_identity_source_is_401_uninvoked_without_caching(deploy, code) -> None:
    """Fixed in MiniStack 1.5.33, so no longer a gap: with ``results_cache_ttl=0`` a request
    without the declared identity source is 401 and the authorizer is not invoked (it would
    answer 403: it refuses everyone)."""
    refuses = HttpLambdaAuthorizer("Refuses", Function("Simple", handler="gap_handlers.simple", code=code),
                                   results_cache_ttl=0, response_types=[HttpLambdaResponseType.SIMPLE])
    api = HttpApi("IdentityCheck")
    api.add_routes(path="/guarded", methods=[HttpMethod.GET], authorizer=refuses,
                   integration=LambdaProxyIntegration(handler=Function("Echo", handler="gap_handlers.echo",
                                                                       code=code)))
    url = f"{deploy(api).url}/guarded"
    assert httpx.get(url, timeout=30).status_code == 401
    assert httpx.get(url, headers={"Authorization": "x"}, timeout=30).status_code == 403
    assert cap.AUTHORIZER_IDENTITY_CHECK not in caps.MINISTACK_GAPS


def test_a_percent_25_in_a_path_parameter_stays_encoded_on_ministack(deploy, code, apigw) -> None:
    """The gap added on 1.5.33: AWS URL-decodes pathParameters (the embedded backend too);
    MiniStack leaves '%25' encoded. Matched per field: only pathParameters.*, only when the
    request path holds '%25'."""
    echo = Function("Echo", handler="gap_handlers.echo_event", code=code)
    api = HttpApi("Decoding")
    api.add_routes(path="/pets/{id}", methods=[HttpMethod.GET],
                   integration=LambdaProxyIntegration(handler=echo))
    on_ministack = httpx.get(f"{deploy(api).url}/pets/a%25b", timeout=30).json()
    assert on_ministack["pathParameters"] == {"id": "a%25b"}
    assert on_ministack["rawPath"].endswith("/pets/a%25b")
    embedded = httpx.get(f"{apigw.deploy(api).url}/pets/a%25b", timeout=30).json()
    assert embedded["pathParameters"] == {"id": "a%b"}
    assert cap.PATH_PARAMETERS_DECODED in caps.MINISTACK_GAPS

    request = HttpRequest("GET", "/pets/a%25b")
    wrong = Diff("pathParameters.id", "a%b", "a%25b")
    assert explains(cap.PATH_PARAMETERS_DECODED, wrong, request)
    assert not explains(cap.PATH_PARAMETERS_DECODED, wrong, HttpRequest("GET", "/pets/a%2Fb"))
    assert not explains(cap.PATH_PARAMETERS_DECODED, Diff("rawPath", "/pets/a%25b", "/x"), request)


def test_cors_an_empty_configuration_is_dropped_by_ministack_a_set_one_is_served(deploy, code, aws) -> None:
    """The http.cors gap: the backend sends what CDK writes (``CorsConfiguration: {}`` for
    ``corsPreflight`` with nothing set); MiniStack drops it and refuses every preflight, and
    serves a configuration with values."""
    echo = LambdaProxyIntegration(handler=Function("Echo", handler="gap_handlers.echo", code=code))
    preflight = {"origin": "https://a.example", "access-control-request-method": "GET"}
    empty = HttpApi("EmptyCors", cors_preflight=CorsPreflightOptions())
    empty.add_routes(path="/pets", methods=[HttpMethod.GET], integration=echo)
    dropped = deploy(empty)
    assert aws.apigatewayv2.get_api(ApiId=dropped.api_id).get("CorsConfiguration") is None
    assert httpx.options(f"{dropped.url}/pets", headers=preflight, timeout=30).status_code == 403
    assert cap.CORS in caps.MINISTACK_GAPS and cap.CORS in caps.PROVISIONED

    named = HttpApi("NamedCors", cors_preflight=CorsPreflightOptions(
        allow_origins=["https://a.example"], allow_methods=[HttpMethod.GET]))
    named.add_routes(path="/pets", methods=[HttpMethod.GET], integration=echo)
    served = httpx.options(f"{deploy(named).url}/pets", headers=preflight, timeout=30)
    assert served.status_code == 204
    assert served.headers["access-control-allow-origin"] == "https://a.example"
