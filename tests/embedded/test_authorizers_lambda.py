"""Lambda (REQUEST) authorizers over real HTTP: events 1.0/2.0, simple and IAM answers, caching."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest
from pytest_apigw_embedded.authorizers.cache import ResultCache
from pytest_apigw_embedded.authorizers.policy import InvalidResponse, evaluate_policy

from pytest_apigw import (
    Function,
    HttpApi,
    HttpLambdaAuthorizer,
    HttpLambdaResponseType,
    HttpMethod,
    HttpNoneAuthorizer,
    LambdaProxyIntegration,
    SpecError,
)
from pytest_apigw.invocations import LOG
from tests.embedded.conftest import echo

SIMPLE = [HttpLambdaResponseType.SIMPLE]
IAM = [HttpLambdaResponseType.IAM]


class Recorder:
    """An authorizer handler that records its events and answers with ``decide(event)``."""

    def __init__(self, decide):
        self.decide = decide
        self.events: list[dict] = []

    def __call__(self, event, context):
        self.events.append(event)
        return self.decide(event)


def simple(event):
    token = (event.get("headers") or {}).get("authorization")
    return {"isAuthorized": token == "secret", "context": {"user": "alice", "n": 1}}


def policy(effect, resource, principal="alice"):
    return {
        "principalId": principal,
        "policyDocument": {"Version": "2012-10-17", "Statement": [
            {"Action": "execute-api:Invoke", "Effect": effect, "Resource": resource}]},
        "context": {"user": principal},
    }


def echo_fn(version="2.0"):
    return LambdaProxyIntegration(handler=Function("Echo", handler=echo), payload_format_version=version)


def deploy(apigw, recorder, *, paths=("/books",), version="2.0", **kwargs):
    kwargs.setdefault("results_cache_ttl", 0)
    auth = HttpLambdaAuthorizer("Auth", Function("AuthFn", handler=recorder), **kwargs)
    api = HttpApi("LambdaAuthApi")
    for path in paths:
        api.add_routes(path=path, methods=[HttpMethod.GET], integration=echo_fn(version), authorizer=auth)
    return apigw.deploy(api)


def test_simple_allow_passes_context_to_the_integration(apigw):
    recorder = Recorder(simple)
    deployment = deploy(apigw, recorder, response_types=SIMPLE)
    response = httpx.get(f"{deployment.url}/books?x=1", headers={"Authorization": "secret"})
    assert response.status_code == 200
    assert response.json()["requestContext"]["authorizer"] == {"lambda": {"user": "alice", "n": 1}}
    event = recorder.events[0]
    assert event["version"] == "2.0" and event["type"] == "REQUEST"
    assert event["routeArn"] == (
        f"arn:aws:execute-api:us-east-1:123456789012:{deployment.api_id}/$default/GET/books"
    )
    assert event["identitySource"] == ["secret"]
    assert event["routeKey"] == "GET /books"
    assert event["rawPath"] == "/books" and event["rawQueryString"] == "x=1"
    assert event["headers"]["authorization"] == "secret"
    assert event["queryStringParameters"] == {"x": "1"}
    assert event["requestContext"]["routeKey"] == "GET /books"
    assert "body" not in event and "isBase64Encoded" not in event


def test_simple_deny_is_403_with_the_reason_recorded(apigw):
    deployment = deploy(apigw, Recorder(simple), response_types=SIMPLE)
    mark = LOG.mark()
    response = httpx.get(f"{deployment.url}/books", headers={"Authorization": "wrong"})
    assert response.status_code == 403
    assert response.json() == {"message": "Forbidden"}
    record = LOG.since(mark)[-1]
    assert "Lambda authorizer 'Auth' denied" in record.error
    assert record.event is None


def test_missing_identity_source_is_401_without_invoking(apigw):
    recorder = Recorder(simple)
    deployment = deploy(apigw, recorder, response_types=SIMPLE,
                        identity_source=["$request.header.Authorization", "$request.querystring.tenant"])
    response = httpx.get(f"{deployment.url}/books", headers={"Authorization": "secret"})
    assert response.status_code == 401
    assert response.json() == {"message": "Unauthorized"}
    assert recorder.events == []
    ok = httpx.get(f"{deployment.url}/books?tenant=t1", headers={"Authorization": "secret"})
    assert ok.status_code == 200
    assert recorder.events[0]["identitySource"] == ["secret", "t1"]


def test_no_identity_source_invokes_every_time(apigw):
    recorder = Recorder(lambda event: {"isAuthorized": True})
    deployment = deploy(apigw, recorder, response_types=SIMPLE, identity_source=[])
    assert httpx.get(f"{deployment.url}/books").status_code == 200
    assert recorder.events[0]["identitySource"] is None


@pytest.mark.parametrize(
    ("answer", "status"),
    [
        (lambda e: policy("Allow", e["routeArn"]), 200),
        (lambda e: policy("Deny", e["routeArn"]), 403),
        (lambda e: policy("Allow", e["routeArn"].rsplit("/", 2)[0] + "/*"), 200),
        (lambda e: policy("Allow", e["routeArn"].replace("/books", "/other")), 403),
        (lambda e: {**policy("Allow", "*"), "policyDocument": {"Statement": [
            {"Action": "execute-api:*", "Effect": "Allow", "Resource": "*"},
            {"Action": "execute-api:Invoke", "Effect": "Deny", "Resource": e["routeArn"]}]}}, 403),
    ],
    ids=["allow-route", "deny-route", "allow-wildcard", "allow-elsewhere", "explicit-deny-wins"],
)
def test_iam_policy_answers(apigw, answer, status):
    deployment = deploy(apigw, Recorder(answer), response_types=IAM)
    response = httpx.get(f"{deployment.url}/books", headers={"Authorization": "t"})
    assert response.status_code == status
    if status == 200:
        assert response.json()["requestContext"]["authorizer"] == {"lambda": {"user": "alice"}}


@pytest.mark.parametrize(
    ("answer", "types"),
    [
        (lambda e: {"isAuthorized": "yes"}, SIMPLE),
        (lambda e: {"allowed": True}, SIMPLE),
        (lambda e: {"isAuthorized": True}, IAM),  # simple answer without simple responses on
        (lambda e: "Allow", IAM),
        (lambda e: {"policyDocument": {"Statement": []}}, IAM),
        (lambda e: {"isAuthorized": True, "context": "x"}, SIMPLE),
    ],
    ids=["non-bool", "no-decision", "simple-when-iam", "string", "no-statements", "bad-context"],
)
def test_invalid_response_is_500(apigw, answer, types):
    deployment = deploy(apigw, Recorder(answer), response_types=types)
    mark = LOG.mark()
    response = httpx.get(f"{deployment.url}/books", headers={"Authorization": "t"})
    assert response.status_code == 500
    assert response.json() == {"message": "Internal Server Error"}
    assert "returned an invalid response" in LOG.since(mark)[-1].error


def test_handler_error_is_500_with_the_traceback(apigw):
    def boom(event):
        raise RuntimeError("authorizer exploded")

    deployment = deploy(apigw, Recorder(boom), response_types=SIMPLE)
    mark = LOG.mark()
    assert httpx.get(f"{deployment.url}/books", headers={"Authorization": "t"}).status_code == 500
    record = LOG.since(mark)[-1]
    assert "RuntimeError: authorizer exploded" in record.error
    assert "authorizer exploded" in record.traceback


def test_results_are_cached_per_identity_source_values(apigw):
    recorder = Recorder(simple)
    deployment = deploy(apigw, recorder, paths=("/books", "/authors"), response_types=SIMPLE,
                        results_cache_ttl=timedelta(minutes=5))
    url = deployment.url
    for path in ("/books", "/books", "/authors"):  # one authorizer, cached across its routes
        assert httpx.get(f"{url}{path}", headers={"Authorization": "secret"}).status_code == 200
    assert len(recorder.events) == 1
    assert httpx.get(f"{url}/books", headers={"Authorization": "wrong"}).status_code == 403
    assert httpx.get(f"{url}/books", headers={"Authorization": "wrong"}).status_code == 403
    assert len(recorder.events) == 2  # denials are cached too
    cached = httpx.get(f"{url}/books", headers={"Authorization": "secret"})
    assert cached.json()["requestContext"]["authorizer"] == {"lambda": {"user": "alice", "n": 1}}


def test_ttl_zero_turns_caching_off(apigw):
    recorder = Recorder(simple)
    deployment = deploy(apigw, recorder, response_types=SIMPLE, results_cache_ttl=0)
    for _ in range(3):
        httpx.get(f"{deployment.url}/books", headers={"Authorization": "secret"})
    assert len(recorder.events) == 3


def test_cached_policy_is_evaluated_for_each_route(apigw):
    recorder = Recorder(lambda e: policy("Allow", e["routeArn"]))  # allows only the first route
    deployment = deploy(apigw, recorder, paths=("/books", "/authors"), response_types=IAM,
                        results_cache_ttl=300)
    assert httpx.get(f"{deployment.url}/books", headers={"Authorization": "t"}).status_code == 200
    assert httpx.get(f"{deployment.url}/authors", headers={"Authorization": "t"}).status_code == 403
    assert len(recorder.events) == 1


def test_cache_expires_after_the_ttl():
    now = [100.0]
    cache = ResultCache(5, clock=lambda: now[0])
    cache.put(("a",), {"isAuthorized": True})
    now[0] = 104.9
    assert cache.get(("a",)) == {"isAuthorized": True}
    now[0] = 105.0
    assert cache.get(("a",)) is None


def test_payload_1_0_authorizer_event_and_integration_context(apigw):
    recorder = Recorder(lambda e: policy("Allow", e["methodArn"], principal="bob"))
    deployment = deploy(apigw, recorder, version="1.0", response_types=IAM, payload_format_version="1.0",
                        identity_source=["$request.header.Authorization", "$request.querystring.t"])
    response = httpx.get(f"{deployment.url}/books?t=7", headers={"Authorization": "tok"})
    assert response.status_code == 200
    event = recorder.events[0]
    assert event["version"] == "1.0" and event["type"] == "REQUEST"
    assert event["methodArn"].endswith(f"{deployment.api_id}/$default/GET/books")
    assert event["identitySource"] == "tok,7" and event["authorizationToken"] == "tok,7"
    assert event["resource"] == "/books" and event["path"] == "/books" and event["httpMethod"] == "GET"
    assert event["headers"]["Authorization"] == "tok"
    assert event["queryStringParameters"] == {"t": "7"}
    assert event["requestContext"]["resourcePath"] == "/books"
    assert "body" not in event
    authorizer = response.json()["requestContext"]["authorizer"]
    assert authorizer["user"] == "bob" and authorizer["principalId"] == "bob"
    assert isinstance(authorizer["integrationLatency"], int)


def test_context_variable_identity_source(apigw):
    recorder = Recorder(lambda e: {"isAuthorized": True})
    deployment = deploy(apigw, recorder, response_types=SIMPLE,
                        identity_source=["$request.header.X-Key", "$context.routeKey"])
    assert httpx.get(f"{deployment.url}/books", headers={"x-key": "k"}).status_code == 200
    assert recorder.events[0]["identitySource"] == ["k", "GET /books"]


def test_default_authorizer_and_none_opt_out(apigw):
    recorder = Recorder(simple)
    auth = HttpLambdaAuthorizer("Auth", recorder, response_types=SIMPLE, results_cache_ttl=0)
    api = HttpApi("Api", default_authorizer=auth, default_integration=echo_fn())
    api.add_routes(path="/public", methods=[HttpMethod.GET], integration=echo_fn(),
                   authorizer=HttpNoneAuthorizer())
    url = apigw.deploy(api).url
    assert httpx.get(f"{url}/anything").status_code == 401  # $default route, no Authorization
    assert httpx.get(f"{url}/anything", headers={"Authorization": "secret"}).status_code == 200
    assert httpx.get(f"{url}/public").status_code == 200
    assert len(recorder.events) == 1


def test_policy_evaluation_rules():
    arn = "arn:aws:execute-api:us-east-1:123456789012:abc/$default/GET/books"
    doc = {"Statement": [{"Action": ["execute-api:Invoke"], "Effect": "Allow",
                          "Resource": ["arn:aws:execute-api:*:*:abc/*/GET/*"]}]}
    assert evaluate_policy(doc, arn) is True
    other_action = {"Statement": {"Action": "s3:*", "Effect": "Allow", "Resource": "*"}}
    assert evaluate_policy(other_action, arn) is False
    with pytest.raises(InvalidResponse):
        evaluate_policy({"Statement": [{"Action": "*", "Effect": "Maybe", "Resource": "*"}]}, arn)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"response_types": SIMPLE, "payload_format_version": "1.0"}, "need payload_format_version '2.0'"),
        ({"payload_format_version": "3.0"}, "must be '1.0' or '2.0'"),
        ({"results_cache_ttl": 3601}, "results_cache_ttl must be 0 to 3600"),
        ({"results_cache_ttl": timedelta(seconds=-1)}, "results_cache_ttl must be 0 to 3600"),
        ({"identity_source": [], "results_cache_ttl": 60}, "needs at least one identity_source"),
        ({"identity_source": ["$request.body.token"]}, "not a valid selection expression"),
        ({"identity_source": "$request.header.Authorization"}, "must be a list"),
        ({"response_types": ["SIMPLE"]}, "HttpLambdaResponseType"),
    ],
)
def test_spec_validation(kwargs, message):
    with pytest.raises(SpecError, match=message):
        HttpLambdaAuthorizer("Auth", lambda event, context: None, **kwargs)


def test_defaults_follow_cdk():
    auth = HttpLambdaAuthorizer("Auth", lambda event, context: None)
    assert auth.identity_source == ("$request.header.Authorization",)
    assert auth.results_cache_ttl == 300
    assert auth.response_types == {HttpLambdaResponseType.IAM}
    assert auth.payload_format_version == "2.0"
    assert auth.authorization_type == "CUSTOM"
