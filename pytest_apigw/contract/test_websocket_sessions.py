"""Conformance: WebSocket connections as a stateful property (``RuleBasedStateMachine``).

Each run deploys a generated :class:`~pytest_apigw.WebSocketApi` (route keys, a selection
expression, one-way and two-way routes, with or without ``$default``, ``$disconnect`` and a
``$connect`` Lambda authorizer) whose routes are ``ws_probe`` functions reporting every event to
a loopback :class:`~pytest_apigw.contract.probes.EventSink`; then a bounded sequence of steps:
connect (allowed, denied, without credentials), send messages that select routes, ``POST`` /
``GET`` / ``DELETE`` through ``@connections`` (to open, closed and unknown connections), close
from the client. The model (:mod:`~pytest_apigw.contract.model.websocket_sessions`) tracks
the open connections and predicts each handshake status, each frame sent back, each
``@connections`` status and every event (route key, event type, connection, principal).
A failure shrinks to the shortest step sequence and prints it.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import sys
from collections import Counter
from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import note
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from pytest_apigw import capabilities
from pytest_apigw.contract.cases import serves
from pytest_apigw.contract.model.expect import compare
from pytest_apigw.contract.model.websocket_sessions import ACCEPTED, WebSocketModel, WsEvent
from pytest_apigw.contract.probes import EventSink, ws_authorizer_function, ws_probe_function
from pytest_apigw.contract.profiles import contract_settings
from pytest_apigw.spec import (
    LambdaWebSocketIntegration,
    WebSocketApi,
    WebSocketLambdaAuthorizer,
    WebSocketStage,
)
from pytest_apigw.strategies import websocket_messages

if TYPE_CHECKING:
    from collections.abc import Callable

    from pytest_apigw.backend import Backend
    from pytest_apigw.session import Apigw

EXPRESSIONS = ["$request.body.action", "$request.body.meta.kind", "${request.body.a}/${request.body.b}"]
KEYS = ["send", "join", "0", "ping", "a/b"]
#: How long a step waits for an event or a frame that the model says will come.
WAIT = 10.0
#: Connection labels, unique across runs (a late event of an earlier run is never counted).
_LABELS = itertools.count(1)


@st.composite
def websocket_apis(draw: st.DrawFn, *, sink_url: str, authorizers: bool) -> WebSocketApi:
    """Generated WebSocket APIs whose every route is the ``ws_probe`` reporting to ``sink_url``."""
    expression = draw(st.sampled_from(EXPRESSIONS), label="expression")
    keys = draw(st.lists(st.sampled_from(KEYS), max_size=3, unique=True), label="route keys")
    if draw(st.booleans()):
        keys.append("$default")
    if draw(st.booleans()):
        keys.append("$disconnect")
    two_way = draw(st.sets(st.sampled_from(keys), max_size=len(keys)) if keys else st.just(set()),
                   label="two-way routes") - {"$disconnect"}
    authorized = authorizers and draw(st.booleans(), label="$connect authorizer")
    integration = LambdaWebSocketIntegration(handler=ws_probe_function(sink_url))
    api = WebSocketApi("WsSessions", route_selection_expression=expression)
    authorizer = None
    if authorized:
        authorizer = WebSocketLambdaAuthorizer("ContractAuth", ws_authorizer_function(),
                                               identity_source=["route.request.header.Auth"])
    api.add_route("$connect", integration=integration, authorizer=authorizer)
    for key in keys:
        api.add_route(key, integration=integration, return_response=key in two_way)
    WebSocketStage("Dev", web_socket_api=api, stage_name="dev", auto_deploy=True)
    return api


def _describe(api: WebSocketApi) -> str:
    routes = ", ".join(
        f"{k}{' (two-way)' if r.return_response else ''}{' [authorizer]' if r.authorizer else ''}"
        for k, r in sorted(api.routes.items()))
    return f"WebSocketApi expression {api.route_selection_expression!r}: {routes}"


def _status(error: Exception) -> int | None:
    response = getattr(error, "response", None)
    if isinstance(response, dict):
        code: int | None = response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        return code
    return getattr(response, "status_code", None)


class WebSocketSessions(RuleBasedStateMachine):
    """Connections of one deployed API, stepped by hypothesis, checked against the model."""

    def __init__(self, session: Any, sink: EventSink, authorizers: bool) -> None:
        super().__init__()
        self.session = session
        self.sink = sink
        self.authorizers = authorizers
        self.stack = contextlib.ExitStack()
        self.model: WebSocketModel | None = None
        self.clients: dict[str, Any] = {}
        self.ids: dict[str, str] = {}

    # -- set-up ------------------------------------------------------------------------------------

    @initialize(data=st.data())
    def deploy(self, data: st.DataObject) -> None:
        api = data.draw(websocket_apis(sink_url=self.sink.url, authorizers=self.authorizers), label="api")
        note(_describe(api))
        self.deployment = self.stack.enter_context(self.session.deployed(api))
        self.management = self.deployment.connections_client()
        self.model = WebSocketModel.of(api)

    # -- steps -------------------------------------------------------------------------------------

    @rule(auth=st.sampled_from(["allow", "deny", None]))
    def connect(self, auth: str | None) -> None:
        assert self.model is not None
        conn = f"c{next(_LABELS)}"
        expected = self.model.connect(conn, auth)
        headers = {"X-Conn": conn, **({"Auth": auth} if auth is not None else {})}
        try:
            client = self.deployment.ws_connect(headers=headers)
        except Exception as error:  # websockets' InvalidStatus carries the HTTP answer
            observed = _status(error)
            note(f"connect {conn} Auth={auth!r}: model {expected}, observed {observed}")
            assert observed == expected, (
                f"connect {conn} with Auth={auth!r}: model {expected}, observed {error!r}")
            return
        self.clients[conn] = client
        note(f"connect {conn} Auth={auth!r}: model {expected}, observed 101")
        assert expected == ACCEPTED, f"connect {conn} with Auth={auth!r}: model {expected}, observed 101"
        self._learn_id(conn)

    def _learn_id(self, conn: str) -> None:
        """The connection id the gateway gave ``conn`` (from its ``$connect`` event)."""
        for event in self.sink.wait(lambda events: any(e.get("conn") == conn for e in events), WAIT):
            if event.get("conn") == conn and event.get("routeKey") == "$connect":
                self.ids[conn] = event["connectionId"]
                return
        raise AssertionError(f"no $connect event reported for {conn}")

    @precondition(lambda self: self.model is not None and self.model.open)
    @rule(data=st.data())
    def send(self, data: st.DataObject) -> None:
        assert self.model is not None
        conn = data.draw(st.sampled_from(sorted(self.model.open)), label="connection")
        keys = [k for k in self.model.routes if not k.startswith("$")] + ["nomatch"]
        messages = websocket_messages(route_keys=keys, route_selection_expression=self.model.expression)
        text = data.draw(messages, label="message")
        expected = self.model.message(conn, text)
        self.clients[conn].send(text)
        note(f"send {conn} {text!r}: model {expected!r}")
        if expected is not None:
            frame = self.clients[conn].recv(WAIT)
            self._check_frame(conn, expected, json.loads(frame))

    def _check_frame(self, conn: str, expected: dict[str, Any], observed: Any) -> None:
        if isinstance(observed, dict) and "connectionId" in observed:
            observed = {**observed, "connectionId": self._label(observed["connectionId"])}
        diffs = compare(expected, observed)
        assert not diffs, (f"frame on {conn}: model {expected!r}\nobserved {observed!r}\n"
                           + "\n".join(map(str, diffs)))

    def _label(self, connection_id: str) -> str:
        return next((c for c, i in self.ids.items() if i == connection_id), connection_id)

    def _target(self, data: st.DataObject) -> str:
        """An open, closed or never-seen connection (``@connections`` takes any id)."""
        known = sorted(self.ids)
        pick_known = bool(known) and data.draw(st.integers(0, 7)) != 0
        choice = st.sampled_from(known) if pick_known else st.just("never")
        return data.draw(choice, label="target")

    def _connection_id(self, conn: str) -> str:
        return self.ids.get(conn, "bmV2ZXJFeGlzdGVkPQ=")

    @rule(data=st.data(), payload=st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]),
                                          min_size=1, max_size=16))
    def post(self, data: st.DataObject, payload: str) -> None:
        assert self.model is not None
        conn = self._target(data)
        expected = self.model.post(conn)
        observed = self._manage("post_to_connection", conn, Data=payload.encode())
        assert observed == expected, f"POST @connections/{conn}: model {expected}, observed {observed}"
        if expected == 200:
            assert self.clients[conn].recv(WAIT) == payload

    @rule(data=st.data())
    def get(self, data: st.DataObject) -> None:
        assert self.model is not None
        conn = self._target(data)
        expected = self.model.get(conn)
        observed = self._manage("get_connection", conn)
        assert observed == expected, f"GET @connections/{conn}: model {expected}, observed {observed}"

    @rule(data=st.data())
    def delete(self, data: st.DataObject) -> None:
        assert self.model is not None
        conn = self._target(data)
        expected = self.model.delete(conn)
        observed = self._manage("delete_connection", conn)
        assert observed == expected, f"DELETE @connections/{conn}: model {expected}, observed {observed}"
        if expected == 204:
            self._closed_by_gateway(conn)

    @precondition(lambda self: self.model is not None and self.model.open)
    @rule(data=st.data())
    def client_close(self, data: st.DataObject) -> None:
        assert self.model is not None
        conn = data.draw(st.sampled_from(sorted(self.model.open)), label="connection")
        self.model.client_close(conn)
        note(f"close {conn} (client)")
        self.clients.pop(conn).close()

    def _manage(self, call: str, conn: str, **kwargs: Any) -> int | None:
        try:
            answer = getattr(self.management, call)(ConnectionId=self._connection_id(conn), **kwargs)
        except Exception as error:  # botocore's ClientError carries the HTTP status
            failed = _status(error)
            note(f"{call} {conn}: {failed}")
            return failed
        status: int | None = answer["ResponseMetadata"]["HTTPStatusCode"]
        note(f"{call} {conn}: {status}")
        if call == "get_connection":
            for key in ("ConnectedAt", "Identity", "LastActiveAt"):
                assert key in answer, f"GET @connections/{conn}: no {key} in {answer!r}"
        return status

    def _closed_by_gateway(self, conn: str) -> None:
        """After ``DELETE``: the client sees the connection close (nothing else first)."""
        from websockets.exceptions import ConnectionClosed

        client = self.clients.pop(conn)
        with pytest.raises(ConnectionClosed):
            frame = client.recv(WAIT)
            raise AssertionError(f"{conn} got {frame!r} after DELETE @connections, not a close")
        client.close()

    # -- after every step ----------------------------------------------------------------------------

    @invariant()
    def events_match(self) -> None:
        if self.model is None:
            return
        wanted = self.model.events
        observed = self._observed_events(len(wanted))
        assert Counter(observed) == Counter(wanted), (
            "events: model and backend disagree\nmodel:    "
            + "\n          ".join(map(str, sorted(wanted)))
            + "\nobserved: " + "\n          ".join(map(str, sorted(observed, key=str)))
        )

    def _mine(self, reported: dict[str, Any]) -> bool:
        return reported.get("conn") in self.ids or reported.get("connectionId") in self.ids.values()

    def _observed_events(self, count: int) -> list[WsEvent]:
        """This run's reported events, once ``count`` arrived (or after :data:`WAIT`)."""
        events = self.sink.wait(lambda events: sum(map(self._mine, events)) >= count, WAIT)
        return [WsEvent(e.get("routeKey"), e.get("eventType"),
                        e.get("conn") or self._label(e.get("connectionId")), e.get("principalId"))
                for e in events if self._mine(e)]

    def teardown(self) -> None:
        """No frame the model did not predict is waiting on an open connection (a marker sent
        through ``@connections`` must come next), then every client closes and its events come.
        After a failed step only the clean-up runs (the step's failure is the one reported)."""
        try:
            if sys.exc_info()[0] is not None:
                for client in self.clients.values():
                    client.close()
                return
            for conn, client in list(self.clients.items()):
                self._manage("post_to_connection", conn, Data=b"<end of run>")
                frame = client.recv(WAIT)
                assert frame == "<end of run>", f"{conn} got {frame!r}, which the model did not predict"
                if self.model is not None:
                    self.model.client_close(conn)
                client.close()
            self.clients.clear()
            self.events_match()
        finally:
            self.stack.close()


def test_websocket_sessions_follow_the_model(
    apigw_session: Apigw, apigw_backend: Backend, require: Callable[[str], None], event_sink: EventSink
) -> None:
    """Stateful: connections, messages, ``@connections`` and disconnects against the model."""
    require(capabilities.WEBSOCKET)
    require(capabilities.WEBSOCKET_CONNECTIONS)
    if apigw_backend.name == "aws":
        pytest.skip("the probes report events to a loopback sink, which AWS cannot reach")
    authorizers = serves(apigw_backend, capabilities.WEBSOCKET_AUTHORIZERS)
    # hypothesis runs any factory of a machine; its annotation names the class only
    run_state_machine_as_test(lambda: WebSocketSessions(apigw_session, event_sink, authorizers),  # type: ignore[arg-type]
                              settings=contract_settings(stateful_step_count=8))
