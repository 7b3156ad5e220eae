"""Route coverage from each source, checked against the embedded gateway's own invocation log.

The embedded gateway is also used as a stand-in for the other backends: ``AccessLogOnly`` keeps
no invocation log but hands its stages' access-log lines (rendered by the embedded backend's own
renderer, AWS's ``$context`` variables) to route coverage, the way the localstack backend hands
over what it reads from CloudWatch Logs; ``ClientSideOnly`` keeps neither, like MiniStack. The
same requests must give the same counts as the invocation log.
"""

from __future__ import annotations

import asyncio
import json
import time

import pytest
from pytest_apigw_embedded.backend import EmbeddedBackend
from websockets.exceptions import InvalidStatus

from pytest_apigw import (
    CorsPreflightOptions,
    Function,
    HttpApi,
    HttpLambdaAuthorizer,
    HttpLambdaResponseType,
    HttpMethod,
    HttpStage,
    LambdaProxyIntegration,
    LambdaWebSocketIntegration,
    WebSocketApi,
    WebSocketStage,
    capabilities,
)
from pytest_apigw.access_log import HTTP_CLF_FORMAT
from pytest_apigw.backend import StageAccessLog
from pytest_apigw.coverage import client_side, route_log
from pytest_apigw.coverage import data as model
from pytest_apigw.coverage.collect import Collector
from pytest_apigw.coverage.merge import merge


class AccessLogOnly(EmbeddedBackend):
    """A backend that writes access logs but keeps no invocation log (as AWS / LocalStack Pro)."""

    name = "embedded-access-log"

    @property
    def capabilities(self) -> frozenset[str]:  # type: ignore[override]
        return super().capabilities - {capabilities.INVOCATION_LOG}

    def stage_access_logs(self, deployment, *, expected=0):
        """One stage with a format per API here: all of the deployment's lines are that stage's.
        Like the localstack backend, waits (a little) for ``expected`` lines: a WebSocket message's
        line is written once its integration answered, maybe after the client closed."""
        deadline = time.monotonic() + 5
        while len(deployment.access_log) < expected and time.monotonic() < deadline:
            time.sleep(0.01)
        return [StageAccessLog(stage.stage_name, stage.access_log_format, deployment.access_log)
                for stage in deployment.api.stages if stage.access_log_format]


class ClientSideOnly(EmbeddedBackend):
    """A backend that says nothing about routes (as MiniStack)."""

    name = "embedded-client-side"

    @property
    def capabilities(self) -> frozenset[str]:  # type: ignore[override]
        return super().capabilities - {capabilities.INVOCATION_LOG, capabilities.ACCESS_LOGS}


def ok(event, context):
    return {"statusCode": 200, "body": "ok"}


def authorize(event, context):
    return {"isAuthorized": event["headers"].get("authorization") == "secret"}


def books_api(fmt: str | None = route_log.FORMAT, authorizer: bool = True) -> HttpApi:
    api = HttpApi("Books", create_default_stage=False,
                  cors_preflight=CorsPreflightOptions(allow_origins=["*"], allow_methods=["GET"]))
    HttpStage("Default", http_api=api, stage_name="$default", access_log_format=fmt)
    fn = LambdaProxyIntegration(handler=Function("Ok", handler=ok))
    auth = HttpLambdaAuthorizer("Auth", Function("AuthFn", handler=authorize), results_cache_ttl=0,
                                response_types=[HttpLambdaResponseType.SIMPLE]) if authorizer else None
    api.add_routes(path="/books", methods=[HttpMethod.GET, HttpMethod.POST], integration=fn)
    api.add_routes(path="/books/{id}", methods=[HttpMethod.GET], integration=fn, authorizer=auth)
    return api


def exercise_books(deployment) -> None:
    with deployment.client(timeout=10) as client:
        assert client.get("/books").status_code == 200
        assert client.get("/books/1", headers={"authorization": "secret"}).status_code == 200
        assert client.get("/books/2", headers={"authorization": "secret"}).status_code == 200
        client.get("/books/3", headers={"authorization": "nope"})  # 403 when the route has the authorizer
        assert client.delete("/books").status_code == 404
        preflight = client.options("/books", headers={"origin": "https://example.com",
                                                      "access-control-request-method": "GET"})
        assert preflight.status_code == 204  # the gateway's own answer: no route's


def chat_api(fmt: str | None = route_log.FORMAT) -> WebSocketApi:
    handler = LambdaWebSocketIntegration(handler=ok)
    api = WebSocketApi("Chat", connect_route_options=handler, disconnect_route_options=handler,
                       default_route_options=handler)
    WebSocketStage("Dev", web_socket_api=api, stage_name="dev", auto_deploy=True, access_log_format=fmt)
    api.add_route("sendmessage", integration=handler)
    api.add_route("never", integration=handler)
    return api


def exercise_chat(deployment) -> None:
    with deployment.ws_connect() as ws:
        ws.send_json({"action": "sendmessage"})
        ws.send_json({"action": "sendmessage"})
        ws.send("not json")


def counted(make_api, exercise, backend) -> dict:
    """Deploy, exercise, close; the API's coverage entry as the collector saw it."""
    collector = Collector()
    collector.start()
    try:
        deployment = backend.deploy(make_api())
        collector.deployed(deployment)
        try:
            exercise(deployment)
        finally:
            deployment.close()
        return collector.snapshot()
    finally:
        collector.stop()


def routes_of(data: dict, name: str) -> dict:
    api = data["apis"][name]
    return {"routes": api["routes"], "unmatched": api["unmatched"]}


@pytest.fixture(params=[AccessLogOnly, ClientSideOnly])
def other(request):
    backend = request.param()
    backend.start()
    yield backend
    backend.close()


@pytest.fixture(scope="module")
def embedded():
    backend = EmbeddedBackend()
    backend.start()
    yield backend
    backend.close()


@pytest.mark.parametrize(("make_api", "exercise", "name"), [
    (books_api, exercise_books, "Books"), (chat_api, exercise_chat, "Chat")])
def test_each_source_counts_what_the_invocation_log_counts(embedded, other, make_api, exercise, name):
    reference = counted(make_api, exercise, embedded)
    seen = counted(make_api, exercise, other)
    assert reference["apis"][name]["sources"] == [model.SOURCE_INVOCATION_LOG]
    expected_source = model.SOURCE_ACCESS_LOG if isinstance(other, AccessLogOnly) else client_side.SOURCE
    assert seen["apis"][name]["sources"] == [expected_source]
    if name == "Chat" and isinstance(other, ClientSideOnly):
        # a client learns no status for a message or its own close: requests counted, classes not
        for key in ("sendmessage", "$default", "$disconnect"):
            reference["apis"][name]["routes"][key]["statuses"] = {}
    assert routes_of(seen, name) == routes_of(reference, name)
    books = routes_of(reference, "Books")["routes"] if name == "Books" else None
    if books is not None:  # what the comparison covers
        assert books["GET /books/{id}"]["requests"] == 3
        assert (books["GET /books/{id}"]["allowed"], books["GET /books/{id}"]["refused"]) == (2, 1)
        assert books["POST /books"]["requests"] == 0
        assert routes_of(reference, "Books")["unmatched"] == {"requests": 1, "statuses": {"4xx": 1}}


def test_the_users_own_format_is_read_when_it_carries_the_variables(embedded):
    """AWS's console CLF sample carries routeKey, status and requestId (no authorizer here)."""
    backend = AccessLogOnly()
    backend.start()
    try:
        def make():
            return books_api(HTTP_CLF_FORMAT, authorizer=False)
        lines: list[str] = []

        def exercise(deployment):
            exercise_books(deployment)
            lines.extend(deployment.access_log)
        seen = counted(make, exercise, backend)
    finally:
        backend.close()
    assert seen["apis"]["Books"]["sources"] == [model.SOURCE_ACCESS_LOG]
    assert routes_of(seen, "Books") == routes_of(counted(make, exercise_books, embedded), "Books")
    assert len(lines) == 6 and '"GET GET /books HTTP/1.1" 200' in lines[0]  # the user's lines, as set


def test_a_format_without_the_variables_falls_back_to_the_clients_and_says_why():
    backend = AccessLogOnly()
    backend.start()
    lines: list[str] = []
    try:
        def exercise(deployment):
            exercise_books(deployment)
            lines.extend(deployment.access_log)
        seen = counted(lambda: books_api("$context.requestId $context.status"), exercise, backend)
    finally:
        backend.close()
    assert seen["apis"]["Books"]["sources"] == [
        f"{client_side.SOURCE} (stage '$default' access_log_format lacks $context.routeKey, "
        "$context.authorizer.error)"]
    assert seen["apis"]["Books"]["routes"]["GET /books/{id}"]["requests"] == 3
    assert len(lines) == 6 and all(len(line.split()) == 2 for line in lines)  # unchanged for the user


def test_access_log_counts_merge_with_other_processes_counts(embedded):
    backend = AccessLogOnly()
    backend.start()
    try:
        one = counted(books_api, exercise_books, backend)
        two = counted(books_api, exercise_books, backend)
    finally:
        backend.close()
    reference = counted(books_api, exercise_books, embedded)
    merged = merge([json.loads(json.dumps(one)), json.loads(json.dumps(two)), reference])
    books = merged["apis"]["Books"]
    assert books["deployments"] == 3
    assert books["sources"] == [model.SOURCE_ACCESS_LOG, model.SOURCE_INVOCATION_LOG]
    guarded = books["routes"]["GET /books/{id}"]
    assert (guarded["requests"], guarded["allowed"], guarded["refused"]) == (9, 6, 3)
    assert books["unmatched"] == {"requests": 3, "statuses": {"4xx": 3}}


def test_the_clients_report_what_they_sent_and_keep_the_users_hooks(embedded):
    deployment = embedded.deploy(books_api(None, authorizer=False))
    seen, theirs = [], []
    deployment.client_listeners.append(seen.append)
    deployment.client_listeners.append(lambda event: 1 / 0)  # a broken listener never fails the test
    try:
        with deployment.client(event_hooks={"response": [theirs.append]}) as client:
            assert client.get("/books").status_code == 200
    finally:
        deployment.close()
    assert [(e.kind, e.method, e.status, e.url) for e in seen] == [
        ("http", "GET", 200, deployment.url + "/books")]
    assert len(theirs) == 1


def refuse(event, context):
    return {"statusCode": 403 if event["requestContext"]["eventType"] == "CONNECT" else 200}


def test_the_websocket_clients_report_handshakes_messages_and_closes(embedded):
    deployment = embedded.deploy(chat_api(None))
    seen = []
    deployment.client_listeners.append(seen.append)

    async def talk():
        async with deployment.ws_connect_async() as ws:
            await ws.send_json({"action": "sendmessage"})
            await ws.send(b"\x00")

    try:
        asyncio.run(talk())
        kinds = [(e.kind, e.status, e.message) for e in seen]
        assert kinds == [("connect", 101, None), ("message", None, '{"action": "sendmessage"}'),
                         ("message", None, None), ("disconnect", None, None)]
    finally:
        deployment.close()
    handler = LambdaWebSocketIntegration(handler=refuse)
    api = WebSocketApi("Shut", connect_route_options=handler)
    WebSocketStage("Dev", web_socket_api=api, stage_name="dev", auto_deploy=True)
    shut = embedded.deploy(api)
    refused = []
    shut.client_listeners.append(refused.append)
    try:
        with pytest.raises(InvalidStatus):
            shut.ws_connect()
    finally:
        shut.close()
    assert [(e.kind, e.status) for e in refused] == [("connect", 403)]
