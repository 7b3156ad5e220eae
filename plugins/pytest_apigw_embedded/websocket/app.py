"""The WebSocket API gateway as an ASGI app: one connection's life, one small step each.

handshake → stage → ``$connect`` authorizer (401/403/500 reject the upgrade) → ``$connect`` (accept,
or reject the upgrade with its status) → registry →
each message: size limit → route selection → integration → two-way answer / error frame →
close (either side, idle or lifetime limit, ``@connections`` DELETE, shutdown) → ``$disconnect``.

HTTP requests on the same port are the ``@connections`` management API of each stage. Every
step is recorded in the invocation log the pytest report shows. Messages of one connection are
handled one after another (one of the orders AWS may produce, and a deterministic one).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from typing import TYPE_CHECKING, Any

from pytest_apigw.invocations import LOG, Invocation
from pytest_apigw_embedded.authorizers import Authorizers
from pytest_apigw_embedded.authorizers.websocket import ANSWERS
from pytest_apigw_embedded.deployed.websocket_stages import DeployedRoute, StageRoutes, WebSocketStageTable
from pytest_apigw_embedded.exchange import access_log
from pytest_apigw_embedded.exchange.asgi import ClientGone, Receive, Send, read_body
from pytest_apigw_embedded.lambda_events.websocket import (
    EventFactory,
    disconnect_reason,
    handshake_headers,
    new_id,
    now_ms,
)
from pytest_apigw_embedded.server.websocket_protocol import ABORT_KEY
from pytest_apigw_embedded.websocket import management
from pytest_apigw_embedded.websocket.connections import Connection, ConnectionRegistry, Gone
from pytest_apigw_embedded.websocket.limits import CLOSE_GOING_AWAY, CLOSE_TOO_BIG, CLOSE_UNSUPPORTED, Limits
from pytest_apigw_embedded.websocket.replies import connect_verdict, error_message, two_way_reply

if TYPE_CHECKING:
    from pytest_apigw.spec.websocket_api import WebSocketApi
    from pytest_apigw_embedded.lambda_runtime.result import InvokeResult
    from pytest_apigw_embedded.services import Services

#: How long :meth:`WebSocketGateway.aclose` waits for messages in flight before abandoning them.
MESSAGE_GRACE = 1.0
#: How long :meth:`WebSocketGateway.aclose` then waits for the ``$disconnect`` runs.
DISCONNECT_GRACE = 5.0
_FORBIDDEN = b'{"message":"Forbidden"}'


def _header(scope: dict[str, Any], name: bytes) -> str | None:
    for key, value in scope["headers"]:
        if key.lower() == name:
            text: str = value.decode("latin-1")
            return text
    return None


async def _reject(send: Send, status: int, body: bytes, headers: list[tuple[bytes, bytes]]) -> None:
    await send({"type": "websocket.http.response.start", "status": status, "headers": headers})
    await send({"type": "websocket.http.response.body", "body": body})


class _LimitTimer:
    """One timer per connection, re-armed lazily: no cost per message (activity only moves
    ``connection.last_active``)."""

    def __init__(self, connection: Connection, idle: float, lifetime: float) -> None:
        self.connection = connection
        self.idle = idle
        self.end_of_life = time.monotonic() + lifetime
        self.loop = asyncio.get_running_loop()
        self.closing: asyncio.Task[Any] | None = None
        self.handle = self.loop.call_later(min(idle, lifetime), self._check)

    def _check(self) -> None:
        if not self.connection.open:
            return
        now = time.monotonic()
        left = min(self.connection.last_active + self.idle - now, self.end_of_life - now)
        if left <= 0:
            self.closing = self.loop.create_task(self.connection.close(CLOSE_GOING_AWAY, "Going away"))
        else:
            self.handle = self.loop.call_later(left, self._check)

    def cancel(self) -> None:
        self.handle.cancel()
        if self.closing is not None and not self.closing.done():
            self.closing.cancel()


class WebSocketGateway:
    """Serves one deployed :class:`~pytest_apigw.WebSocketApi` (every stage) as an ASGI app."""

    def __init__(self, api: WebSocketApi, api_id: str, services: Services) -> None:
        self.api = api
        self.api_id = api_id
        self.services = services
        self.stages = WebSocketStageTable(api, services)
        #: ``$connect`` authorizers, built once per spec (later ones on first use).
        self.authorizers = Authorizers(api, services)
        self.connections = ConnectionRegistry()
        #: Message size, idle timeout and lifetime; change them before clients connect.
        self.limits = Limits()
        self._handlers: set[asyncio.Task[Any]] = set()
        self._closing = False
        #: Access-log lines of every stage, oldest first (``Deployment.access_log``).
        self.access_log: list[str] = []

    async def __call__(self, scope: dict[str, Any], receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":
            task = asyncio.current_task()
            if task is not None:
                self._handlers.add(task)
            try:
                await self.websocket(scope, receive, send)
            finally:
                if task is not None:
                    self._handlers.discard(task)
        elif scope["type"] == "http":
            await self.http(scope, receive, send)

    # -- the management API ------------------------------------------------------------------

    async def http(self, scope: dict[str, Any], receive: Receive, send: Send) -> None:
        """``@connections/{id}`` of a stage; anything else is 403 Forbidden."""
        started = time.perf_counter()
        try:
            body = await read_body(receive, self.limits.max_message_bytes)
        except ClientGone as gone:  # nothing is posted from a cut-short body
            LOG.add(Invocation(self.api_id, "", f"{scope['method']} {scope['path']}",
                               route_key="@connections", error=str(gone)))
            return
        parsed = management.parse_path(scope["path"])
        method = scope["method"]
        record = Invocation(self.api_id, "", f"{method} {scope['path']}", route_key="@connections")
        if parsed is None or self.stages.select("/" + parsed[0]) is None:
            response = management.ManagementResponse(403, _FORBIDDEN, "ForbiddenException")
            record.error = "not a @connections URL of a deployed stage"
        else:
            record.stage = parsed[0]
            response = await management.handle(method, parsed[0], parsed[1], body,
                                               self.connections, self.limits)
        record.status = response.status
        record.duration_ms = (time.perf_counter() - started) * 1000
        LOG.add(record)
        await management.send(send, response)

    # -- one connection ------------------------------------------------------------------------

    async def websocket(self, scope: dict[str, Any], receive: Receive, send: Send) -> None:
        """Handshake, ``$connect``, the message loop, ``$disconnect``."""
        message = await receive()
        if message["type"] != "websocket.connect":
            return
        started = time.perf_counter()
        path = scope["path"]
        record = Invocation(self.api_id, "", f"WEBSOCKET CONNECT {path}", route_key="$connect")
        stage_name, _, rest = path.lstrip("/").partition("/")
        stage_routes = self.stages.select(path)
        if stage_routes is None or rest or self._closing:
            record.status, record.error = 403, "no deployed stage at this path"
            record.route_key = None  # no stage, so no route: not a $connect of the API
            LOG.add(record)
            await _reject(send, 403, _FORBIDDEN, [(b"content-type", b"application/json")])
            return
        record.stage = stage_name
        source_ip, _ = scope.get("client") or ("127.0.0.1", 0)
        port = (scope.get("server") or ("127.0.0.1", 0))[1]
        user_agent = _header(scope, b"user-agent")
        connection_id = new_id()
        connected_at = now_ms()
        events = EventFactory(
            api_id=self.api_id, stage=stage_routes.stage, connection_id=connection_id,
            domain_name=_header(scope, b"host") or f"127.0.0.1:{port}", source_ip=source_ip,
            user_agent=user_agent, connected_at=connected_at,
        )
        subprotocol = None
        route = stage_routes.route("$connect")
        event = events.connect(handshake_headers(scope, source_ip, port), scope["query_string"], new_id())
        context = event["requestContext"]
        record.request_id = context["requestId"]
        if route is not None:
            if route.spec.authorizer is not None:
                outcome = await self.authorizers.get(route.spec.authorizer)(event, record)
                record.authorized = outcome.status is None
                if outcome.status is not None:
                    record.status, record.error = outcome.status, outcome.reason
                    record.duration_ms = (time.perf_counter() - started) * 1000
                    self._record(record, context)
                    await _reject(send, outcome.status, ANSWERS[outcome.status],
                                  [(b"content-type", b"application/json")])
                    return
                events.authorizer = outcome.v1
                event["requestContext"]["authorizer"] = dict(outcome.v1 or {})
            verdict = connect_verdict(await self._integrate(route, event, record))
            if not verdict.accept:
                record.status = verdict.status
                record.duration_ms = (time.perf_counter() - started) * 1000
                self._record(record, context)
                await _reject(send, verdict.status, verdict.body, verdict.headers)
                return
            subprotocol = verdict.subprotocol
        connection = Connection(connection_id, stage_name, send, connected_at=connected_at,
                                source_ip=source_ip, user_agent=user_agent or "",
                                abort=scope.get(ABORT_KEY))
        try:
            await send({"type": "websocket.accept", "subprotocol": subprotocol})
        except Exception:  # the client left during $connect: never registered, nothing to undo
            record.status, record.error = 499, "client went away before the handshake completed"
            self._record(record, context)
            return
        # Registered once accepted: during $connect, @connections answers 410 as on AWS.
        self.connections.add(connection)
        record.status = 101
        record.duration_ms = (time.perf_counter() - started) * 1000
        self._record(record, context)
        timer = self._arm_limits(connection)
        try:
            code, reason = await self._serve(connection, events, receive)
        except asyncio.CancelledError:
            if not self._closing:
                raise
            # Torn down with a message in flight: the message is abandoned (its answer would
            # reach no one), the connection still gets its $disconnect, and nothing is logged.
            _uncancel()
            code, reason = connection.closed_by_gateway or (CLOSE_GOING_AWAY, "Going away")
        finally:
            timer.cancel()
            connection.open = False
            self.connections.remove(connection_id)
        try:
            await self._disconnect(connection, events, code, reason)
        except asyncio.CancelledError:
            if not self._closing:
                raise
            _uncancel()  # $disconnect outlived the teardown's grace: best effort, as on AWS

    async def _serve(self, connection: Connection, events: EventFactory, receive: Receive) -> tuple[int, str]:
        """Handle messages until the connection closes; the close code and reason."""
        limits = self.limits
        while True:
            message = await receive()
            kind = message["type"]
            if kind == "websocket.receive":
                data = message.get("text")
                connection.touch()
                if data is None:  # websocket-api-develop-binary-media-types.md: refused, 1003
                    await connection.close(CLOSE_UNSUPPORTED, "Binary frames are not supported")
                    continue
                if limits.too_big(data):
                    await connection.close(CLOSE_TOO_BIG, "Message too big")
                    continue
                await self._on_message(connection, events, data)
            elif kind == "websocket.disconnect":
                if connection.closed_by_gateway is not None:
                    return connection.closed_by_gateway
                return int(message.get("code") or 1005), message.get("reason") or ""

    async def _on_message(self, connection: Connection, events: EventFactory, data: str | bytes) -> None:
        """Route one message and run its integration; answer as API Gateway does."""
        started = time.perf_counter()
        stage_routes: StageRoutes | None = self.stages.select("/" + connection.stage_name)
        request_id = new_id()
        record = Invocation(self.api_id, connection.stage_name, f"WEBSOCKET MESSAGE {connection.id}",
                            request_id=request_id)
        key = stage_routes.selector.select(data) if stage_routes is not None else None
        route = stage_routes.route(key) if stage_routes is not None else None
        reply: str | bytes | None = None
        event = events.message(key or "-", data, request_id, new_id())
        if route is None:
            record.status, record.error = 403, "no route matches and there is no $default route"
            reply = error_message("Forbidden", connection.id, request_id)
        else:
            record.route_key = key
            assert key is not None
            result = await self._integrate(route, event, record)
            if result.failed:
                record.status = 500
                reply = error_message("Internal server error", connection.id, request_id)
            else:
                record.status = 200
                if route.spec.return_response:
                    reply = two_way_reply(result.payload)
        record.duration_ms = (time.perf_counter() - started) * 1000
        self._record(record, event["requestContext"])
        if reply is not None:
            with contextlib.suppress(Gone):
                await connection.send(reply)

    async def _disconnect(self, connection: Connection, events: EventFactory, code: int, reason: str) -> None:
        """Run ``$disconnect`` (best effort: its result is ignored)."""
        stage_routes = self.stages.select("/" + connection.stage_name)
        route = stage_routes.route("$disconnect") if stage_routes is not None else None
        if route is None:
            return
        started = time.perf_counter()
        record = Invocation(self.api_id, connection.stage_name, f"WEBSOCKET DISCONNECT {connection.id}",
                            route_key="$disconnect")
        event = events.disconnect(code, disconnect_reason(code, reason), new_id())
        record.request_id = event["requestContext"]["requestId"]
        try:
            result = await self._integrate(route, event, record)
            record.status = 500 if result.failed else 200
        except Exception as exc:  # best effort, but visible in the report
            record.status, record.error = 500, f"gateway error: {exc!r}"
        record.duration_ms = (time.perf_counter() - started) * 1000
        self._record(record, event["requestContext"])

    @staticmethod
    async def _integrate(route: DeployedRoute, event: dict[str, Any], record: Invocation) -> InvokeResult:
        """Run a route's integration, noting its latency and (Lambda's invoke) status."""
        started = time.perf_counter()
        result = await route.integration(event, record)
        record.integration_latency_ms = (time.perf_counter() - started) * 1000
        record.integration_status = 200
        return result

    def _record(self, record: Invocation, request_context: dict[str, Any]) -> None:
        """Add ``record`` to the invocation log, with the stage's access-log line if it has a format."""
        stage = self.stages.stage_named(record.stage)
        if stage is not None and stage.access_log_format is not None:
            values = access_log.websocket_values(request_context, record)
            record.access_log = access_log.line(stage.access_log_format, values)
            self.access_log.append(record.access_log)
        LOG.add(record)

    def _arm_limits(self, connection: Connection) -> _LimitTimer:
        """Close the connection (1001) once idle past ``idle_timeout`` or older than
        ``max_lifetime``; cancel the returned timer when the connection ends."""
        return _LimitTimer(connection, self.limits.idle_timeout, self.limits.max_lifetime)

    # -- shutdown ----------------------------------------------------------------------------

    async def aclose(self) -> None:
        """Close every client connection (1001 Going away) and let ``$disconnect`` run: messages
        still in flight after :data:`MESSAGE_GRACE` are abandoned (their connections still get
        ``$disconnect``, within :data:`DISCONNECT_GRACE`)."""
        self._closing = True
        await asyncio.gather(*(c.close(CLOSE_GOING_AWAY, "Going away") for c in self.connections.all()),
                             return_exceptions=True)
        pending = {t for t in self._handlers if not t.done() and t is not asyncio.current_task()}
        if pending:
            _, pending = await asyncio.wait(pending, timeout=MESSAGE_GRACE)
        for task in pending:
            task.cancel()
        if pending:
            _, pending = await asyncio.wait(pending, timeout=DISCONNECT_GRACE)
        for task in pending:  # a $disconnect still running: ended, quietly (see websocket())
            task.cancel()
        if pending:
            await asyncio.wait(pending, timeout=1.0)


def _uncancel() -> None:
    """Clear the current task's pending cancellation (ours: the teardown asked for it)."""
    task = asyncio.current_task()
    if task is not None:
        task.uncancel()


__all__ = ["WebSocketGateway"]
