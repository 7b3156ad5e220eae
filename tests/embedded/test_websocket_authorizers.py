"""WebSocket ``$connect`` Lambda authorizers on the embedded backend, over real connections."""

from __future__ import annotations

import pytest
from websockets.exceptions import InvalidStatus

from pytest_apigw import (
    Function,
    HttpLambdaAuthorizer,
    LambdaWebSocketIntegration,
    SpecError,
    WebSocketApi,
    WebSocketLambdaAuthorizer,
    WebSocketStage,
)
from tests.support.events import EventRecorder


class Authorizer:
    """An authorizer handler recording its events; allows the token ``good``, denies others."""

    def __init__(self, token_of=lambda e: e["headers"].get("Auth")) -> None:
        self.events: list[dict] = []
        self.token_of = token_of

    def __call__(self, event, context):
        self.events.append(event)
        token = self.token_of(event)
        if token == "boom":
            raise RuntimeError("authorizer crashed")
        if token == "nobody":
            raise Exception("Unauthorized")
        if token == "simple":
            return {"isAuthorized": True}
        effect = "Allow" if token == "good" else "Deny"
        return policy(effect, event["methodArn"])


def policy(effect, resource, principal="alice"):
    return {
        "principalId": principal,
        "policyDocument": {"Version": "2012-10-17", "Statement": [
            {"Action": "execute-api:Invoke", "Effect": effect, "Resource": resource}]},
        "context": {"user": principal, "n": 7, "admin": True},
    }


def integration(rec, answer=None):
    def handler(event, context):
        rec.add(event)
        return answer if answer is not None else {"statusCode": 200}

    return LambdaWebSocketIntegration(handler=Function(f"H{id(handler)}", handler=handler))


def deploy(apigw, rec, auth, *, stage_variables=None, **kwargs):
    authorizer = WebSocketLambdaAuthorizer("Auth", Function("AuthFn", handler=auth), **kwargs)
    api = WebSocketApi(
        "AuthWsApi",
        connect_route_options={"integration": integration(rec), "authorizer": authorizer},
        disconnect_route_options={"integration": integration(rec)},
        default_route_options={"integration": integration(rec, {"statusCode": 200, "body": "ok"}),
                               "return_response": True},
    )
    WebSocketStage("Stage", web_socket_api=api, stage_name="dev", auto_deploy=True,
                   stage_variables=stage_variables)
    return apigw.deploy(api)


def rejected(deployment, **kwargs) -> int:
    with pytest.raises(InvalidStatus) as info:
        deployment.ws_connect(**kwargs)
    return info.value.response.status_code


# -- the spec --------------------------------------------------------------------------------------


def test_only_connect_may_have_an_authorizer():
    auth = WebSocketLambdaAuthorizer("Auth", lambda e, c: None)
    api = WebSocketApi("Api", connect_route_options={"integration": integration(EventRecorder()),
                                                     "authorizer": auth})
    assert api.routes["$connect"].authorizer is auth
    for key in ("sendmessage", "$default", "$disconnect"):
        with pytest.raises(SpecError, match=r"restricted to the \$connect route only"):
            api.add_route(key, integration=integration(EventRecorder()), authorizer=auth)
    with pytest.raises(SpecError, match="restricted"):
        WebSocketApi("Api2", default_route_options={"integration": integration(EventRecorder()),
                                                    "authorizer": auth})


def test_spec_validation():
    http_auth = HttpLambdaAuthorizer("Http", lambda e, c: None)
    with pytest.raises(SpecError, match="WebSocketLambdaAuthorizer"):
        WebSocketApi("Api", connect_route_options={"integration": integration(EventRecorder()),
                                                   "authorizer": http_auth})
    with pytest.raises(SpecError, match="no '\\$'"):
        WebSocketLambdaAuthorizer("A", lambda e, c: None, identity_source=["$request.header.Auth"])
    with pytest.raises(SpecError, match="duplicates"):
        WebSocketLambdaAuthorizer("A", lambda e, c: None, identity_source=["context.apiId"] * 2)
    with pytest.raises(SpecError, match="results_cache_ttl"):
        WebSocketLambdaAuthorizer("A", lambda e, c: None, results_cache_ttl=3601)
    auth = WebSocketLambdaAuthorizer("A", lambda e, c: None)
    assert auth.identity_source == ("route.request.header.Authorization",)
    assert auth.results_cache_ttl == 0 and auth.authorization_type == "CUSTOM"


# -- allow / deny / missing / error ---------------------------------------------------------------


def test_allow_runs_connect_with_the_authorizer_context(apigw):
    rec, auth = EventRecorder(), Authorizer()
    deployment = deploy(apigw, rec, auth, identity_source=["route.request.header.Auth"])
    with deployment.ws_connect(headers={"Auth": "good"}, query={"room": "blue"}):
        connect = rec.route("$connect")
    authorizer = connect["requestContext"]["authorizer"]
    assert authorizer["principalId"] == "alice"
    assert {k: authorizer[k] for k in ("user", "n", "admin")} == {"user": "alice", "n": 7, "admin": True}
    assert isinstance(authorizer["integrationLatency"], int)
    [event] = auth.events
    assert event["type"] == "REQUEST"
    arn = f"arn:aws:execute-api:us-east-1:123456789012:{deployment.api_id}/dev/$connect"
    assert event["methodArn"] == arn
    assert event["headers"]["Auth"] == "good" and event["multiValueHeaders"]["Auth"] == ["good"]
    assert event["queryStringParameters"] == {"room": "blue"}
    assert event["multiValueQueryStringParameters"] == {"room": ["blue"]}
    assert event["stageVariables"] == {}
    ctx = event["requestContext"]
    assert ctx["routeKey"] == "$connect" and ctx["eventType"] == "CONNECT"
    assert ctx["connectionId"] == connect["requestContext"]["connectionId"]
    assert ctx["apiId"] == deployment.api_id and ctx["stage"] == "dev"
    assert "authorizer" not in ctx and "body" not in event


def test_deny_rejects_the_handshake_with_403_without_running_connect(apigw):
    rec, auth = EventRecorder(), Authorizer()
    deployment = deploy(apigw, rec, auth, identity_source=["route.request.header.Auth"])
    assert rejected(deployment, headers={"Auth": "bad"}) == 403
    assert len(auth.events) == 1 and rec.events == []


def test_policy_for_another_resource_is_a_deny(apigw):
    rec = EventRecorder()
    deployment = deploy(apigw, rec, lambda e, c: policy("Allow", e["methodArn"].replace("/dev/", "/prod/")))
    assert rejected(deployment, headers={"Authorization": "x"}) == 403


def test_missing_identity_source_is_401_without_invoking(apigw):
    rec, auth = EventRecorder(), Authorizer()
    deployment = deploy(apigw, rec, auth, identity_source=["route.request.header.Auth"])
    assert rejected(deployment) == 401
    assert rejected(deployment, headers={"Other": "good"}) == 401
    assert auth.events == [] and rec.events == []


@pytest.mark.parametrize(("token", "status"), [("boom", 500), ("simple", 500), ("nobody", 401)])
def test_failure_invalid_answer_and_unauthorized_error(apigw, token, status):
    rec, auth = EventRecorder(), Authorizer()
    deployment = deploy(apigw, rec, auth, identity_source=["route.request.header.Auth"])
    assert rejected(deployment, headers={"Auth": token}) == status
    assert len(auth.events) == 1 and rec.events == []


def test_nested_context_value_is_an_invalid_answer(apigw):
    def nested(event, context):
        answer = policy("Allow", event["methodArn"])
        answer["context"]["groups"] = ["a", "b"]
        return answer

    deployment = deploy(apigw, EventRecorder(), nested)
    assert rejected(deployment, headers={"Authorization": "x"}) == 500


def test_query_string_stage_variable_and_context_sources(apigw):
    rec = EventRecorder()
    auth = Authorizer(lambda e: "good" if e["queryStringParameters"].get("token") == "t1" else "bad")
    deployment = deploy(apigw, rec, auth, stage_variables={"tenant": "acme"}, identity_source=[
        "route.request.querystring.token", "stageVariables.tenant", "context.identity.sourceIp"])
    with deployment.ws_connect(query={"token": "t1"}):
        rec.route("$connect")
    assert auth.events[0]["stageVariables"] == {"tenant": "acme"}
    assert rejected(deployment, query={"token": "t2"}) == 403
    assert rejected(deployment, query={"other": "t1"}) == 401
    assert len(auth.events) == 2


# -- the connection's later events -----------------------------------------------------------------


def test_context_reaches_message_and_disconnect_events(apigw):
    rec, auth = EventRecorder(), Authorizer()
    deployment = deploy(apigw, rec, auth, identity_source=["route.request.header.Auth"])
    with deployment.ws_connect(headers={"Auth": "good"}) as ws:
        ws.send("hello")
        assert ws.recv() == "ok"
    connect = rec.route("$connect")["requestContext"]["authorizer"]
    message = rec.route("$default")["requestContext"]
    disconnect = rec.route("$disconnect")["requestContext"]
    assert message["eventType"] == "MESSAGE" and disconnect["eventType"] == "DISCONNECT"
    assert message["authorizer"] == connect and disconnect["authorizer"] == connect
    assert connect["principalId"] == "alice" and connect["user"] == "alice"


def test_connections_without_an_authorizer_have_no_authorizer_context(apigw):
    rec = EventRecorder()
    api = WebSocketApi("PlainApi", connect_route_options={"integration": integration(rec)})
    WebSocketStage("Stage", web_socket_api=api, stage_name="dev", auto_deploy=True)
    with apigw.deploy(api).ws_connect():
        assert "authorizer" not in rec.route("$connect")["requestContext"]


# -- caching -------------------------------------------------------------------------------------


def test_results_are_cached_per_identity_values(apigw):
    rec, auth = EventRecorder(), Authorizer()
    deployment = deploy(apigw, rec, auth, identity_source=["route.request.header.Auth"],
                        results_cache_ttl=300)
    for _ in range(3):
        with deployment.ws_connect(headers={"Auth": "good"}):
            pass
    assert len(auth.events) == 1
    assert rejected(deployment, headers={"Auth": "bad"}) == 403
    assert rejected(deployment, headers={"Auth": "bad"}) == 403
    assert len(auth.events) == 2
    with deployment.ws_connect(headers={"Auth": "good"}):
        pass
    assert len(auth.events) == 2


def test_failures_are_not_cached_and_ttl_0_never_caches(apigw):
    rec, auth = EventRecorder(), Authorizer()
    deployment = deploy(apigw, rec, auth, identity_source=["route.request.header.Auth"])
    for _ in range(2):
        with deployment.ws_connect(headers={"Auth": "good"}):
            pass
    assert len(auth.events) == 2
    failing = Authorizer()
    cached = deploy(apigw, rec, failing, identity_source=["route.request.header.Auth"], results_cache_ttl=300)
    assert rejected(cached, headers={"Auth": "boom"}) == 500
    assert rejected(cached, headers={"Auth": "boom"}) == 500
    assert len(failing.events) == 2


def test_cached_result_expires_after_the_ttl():
    from pytest_apigw_embedded.authorizers.cache import ResultCache

    now = [100.0]
    cache = ResultCache(5, clock=lambda: now[0])
    cache.put(("good",), {"principalId": "a"})
    now[0] = 104.9
    assert cache.get(("good",)) == {"principalId": "a"}
    now[0] = 105.0
    assert cache.get(("good",)) is None
