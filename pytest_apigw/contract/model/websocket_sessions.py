"""WebSocket connections over time: which connections are open, what each step makes the
gateway do, which events the route integrations receive and what the client gets back.

Written from the developer guide's pages (``doc_source/``):

- ``apigateway-websocket-api-route-keys-connect-disconnect.md``: ``$connect`` runs before the
  upgrade completes (a rejected ``$connect`` means no connection); ``$disconnect`` runs after the
  connection closes, from either side ("best-effort": the model waits for it, it does not
  predict when);
- ``apigateway-websocket-api-lambda-auth.md``: a Lambda ``REQUEST`` authorizer on ``$connect``;
  an identity source that is missing rejects the handshake with 401 without invoking the
  function; a ``Deny`` policy with 403; the ``principalId`` reaches ``requestContext.authorizer``
  of the connection's events;
- ``websocket-api-develop-routes.md`` (route selection, :mod:`.websocket`), and
  ``apigateway-websocket-api-route-response.md``: a route with a route response (two-way) sends
  the integration's response body to the client, a one-way route sends nothing;
- ``apigateway-how-to-call-websocket-api-connections.md``: ``POST @connections/{id}`` sends the
  data to the client, ``GET`` describes the connection, ``DELETE`` disconnects it; a connection
  that is gone (closed, or never existed) answers 410 ``GoneException``.

Undocumented choices, named where made: the frame a client gets when no route matches and there
is no ``$default`` (``{"message": "Forbidden", "connectionId", "requestId"}``, as public reports
show it); ``DELETE`` answers 204 (what the management API's model returns, no body); the
``$disconnect`` event carries the authorizer's principal like every other event of the
connection.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pytest_apigw.contract.model.expect import PRESENT
from pytest_apigw.contract.model.websocket import select_websocket_route

#: The handshake was accepted (HTTP 101 Switching Protocols).
ACCEPTED = 101
#: The principal the suite's authorizer probe allows (``contract_probes.ws_authorize``).
PRINCIPAL = "contract-user"


@dataclass(frozen=True, order=True)
class WsEvent:
    """One event a route integration receives: route key, event type, the connection's label
    (the suite names its connections) and the authorizer's principal (``None`` without one)."""

    route_key: str
    event_type: str
    conn: str
    principal: str | None


@dataclass
class WebSocketModel:
    """The model's state for one deployed :class:`~pytest_apigw.WebSocketApi`.

    ``routes``: route keys; ``two_way``: keys whose integration response goes back;
    ``authorized``: ``$connect`` has the suite's Lambda authorizer (identity source ``Auth``).
    """

    routes: frozenset[str]
    expression: str
    two_way: frozenset[str]
    authorized: bool
    open: dict[str, str | None] = field(default_factory=dict)
    gone: set[str] = field(default_factory=set)
    events: list[WsEvent] = field(default_factory=list)

    @classmethod
    def of(cls, api: Any) -> WebSocketModel:
        """The model of a :class:`~pytest_apigw.WebSocketApi` spec."""
        connect = api.routes.get("$connect")
        return cls(
            routes=frozenset(api.routes), expression=api.route_selection_expression,
            two_way=frozenset(k for k, r in api.routes.items() if r.return_response),
            authorized=connect is not None and connect.authorizer is not None,
        )

    def _event(self, route_key: str, event_type: str, conn: str) -> None:
        if route_key in self.routes:
            self.events.append(WsEvent(route_key, event_type, conn, self.open.get(conn)))

    def connect(self, conn: str, auth: str | None) -> int:
        """Open connection ``conn`` sending ``Auth: <auth>`` (``None``: no such header): the
        handshake's status (:data:`ACCEPTED`, or the HTTP status that rejects it)."""
        if self.authorized:
            if auth is None:
                return 401
            if auth != "allow":
                return 403
        self.open[conn] = PRINCIPAL if self.authorized else None
        self._event("$connect", "CONNECT", conn)
        return ACCEPTED

    def message(self, conn: str, text: str) -> dict[str, Any] | None:
        """Send text ``text`` on ``conn``: the frame the client gets back (``None``: nothing)."""
        key = select_websocket_route(self.routes, self.expression, text)
        if key is None:
            return {"message": "Forbidden", "connectionId": conn, "requestId": PRESENT}
        self._event(key, "MESSAGE", conn)
        if key not in self.two_way:
            return None
        return {"routeKey": key, "eventType": "MESSAGE", "connectionId": conn,
                "principalId": self.open[conn], "body": text}

    def _close(self, conn: str) -> None:
        self._event("$disconnect", "DISCONNECT", conn)
        del self.open[conn]
        self.gone.add(conn)

    def client_close(self, conn: str) -> None:
        """The client closes ``conn``."""
        self._close(conn)

    def post(self, conn: str) -> int:
        """``POST @connections/{conn}``: 200 (the client gets the data) or 410."""
        return 200 if conn in self.open else 410

    def get(self, conn: str) -> int:
        """``GET @connections/{conn}``: 200 (``ConnectedAt``, ``Identity``, ``LastActiveAt``) or 410."""
        return 200 if conn in self.open else 410

    def delete(self, conn: str) -> int:
        """``DELETE @connections/{conn}``: 204 and the connection closes, or 410."""
        if conn not in self.open:
            return 410
        self._close(conn)
        return 204
