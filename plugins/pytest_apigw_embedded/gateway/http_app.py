"""The HTTP API gateway as an ASGI app: the request chain, one small step each.

limits → stage → route → authorize → integration → response, every request recorded for
the pytest report.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from email.utils import formatdate
from typing import TYPE_CHECKING, Any

from pytest_apigw.invocations import LOG, Invocation
from pytest_apigw_embedded.authorizers import Authorizers
from pytest_apigw_embedded.deployed.stages import StageTable
from pytest_apigw_embedded.exchange import responses
from pytest_apigw_embedded.exchange.asgi import MAX_PAYLOAD, ClientGone, Receive, Send, read_body
from pytest_apigw_embedded.exchange.context import RequestContext
from pytest_apigw_embedded.exchange.limits import invalid_header
from pytest_apigw_embedded.exchange.request import GatewayRequest
from pytest_apigw_embedded.exchange.responses import GatewayResponse
from pytest_apigw_embedded.gateway import cors as cors_rules
from pytest_apigw_embedded.gateway.throttle import Throttles
from pytest_apigw_embedded.server.wire import WireRequest, WireResponse

if TYPE_CHECKING:
    from pytest_apigw.spec.http_api import HttpApi
    from pytest_apigw.spec.stage import Stage
    from pytest_apigw_embedded.services import Services

_date_cache: tuple[int, str, bytes] = (0, "", b"")
#: Response headers the gateway sets itself (the integration's are dropped).
_OWN_HEADERS = frozenset(("content-length", "transfer-encoding", "connection", "date"))
#: Integration response headers already checked, as header lines on the wire (only valid ones):
#: most responses of a test repeat a few header sets, so each is checked and encoded once.
_LINES: dict[tuple[tuple[str, str], ...], bytes] = {}
_LINES_KEPT = 512


def http_date_text() -> str:
    """The ``date`` header value, computed once per second."""
    return _date()[1]


def http_date() -> bytes:
    """The ``date`` header value as bytes."""
    return _date()[2][6:-2]


def _date() -> tuple[int, str, bytes]:
    """``(second, date text, b"date: <text>\\r\\n")``, computed once per second."""
    global _date_cache
    now = int(time.time())
    if _date_cache[0] != now:
        text = formatdate(now, usegmt=True)
        _date_cache = (now, text, f"date: {text}\r\n".encode())
    return _date_cache


def header_lines(headers: list[tuple[str, str]]) -> bytes | str:
    """The header lines of an answer's ``headers`` on the wire (names lower-cased, as uvicorn wrote
    them; the ones the gateway sets itself left out), or why they cannot be sent (a ``str``:
    :func:`~pytest_apigw_embedded.exchange.limits.invalid_header`)."""
    try:
        key = tuple(headers)
        lines = _LINES.get(key)
    except TypeError:  # an unhashable value: not a valid header anyway
        key, lines = None, None
    if lines is not None:
        return lines
    problem = invalid_header(headers)
    if problem is not None:
        return problem
    encoded = "".join(f"{name}: {value}\r\n" for name, value in ((k.lower(), v) for k, v in headers)
                      if name not in _OWN_HEADERS).encode("latin-1")
    if key is not None:
        if len(_LINES) >= _LINES_KEPT:  # bounded: a test answering many shapes starts afresh
            _LINES.clear()
        _LINES[key] = encoded
    return encoded


def response_head(lines: bytes, body: bytes, request_id: str) -> bytes:
    """An answer's head on the wire after the status line: its checked header ``lines``
    (:func:`header_lines`), ``date``, ``content-length`` and AWS's ``apigw-requestid``."""
    return b"".join((lines, _date()[2],
                     f"content-length: {len(body)}\r\napigw-requestid: {request_id}\r\n".encode()))


async def send_response(send: Send, response: GatewayResponse, request_id: str) -> None:
    """Write ``response`` through ASGI with ``date``, ``content-length`` and ``apigw-requestid``."""
    headers = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in response.headers
               if k.lower() not in _OWN_HEADERS]
    headers.append((b"date", http_date()))
    headers.append((b"content-length", str(len(response.body)).encode()))
    headers.append((b"apigw-requestid", request_id.encode()))
    await send({"type": "http.response.start", "status": response.status, "headers": headers})
    await send({"type": "http.response.body", "body": response.body})


class HttpGateway:
    """Serves one deployed :class:`~pytest_apigw.HttpApi` (every stage) as an ASGI app."""

    def __init__(self, api: HttpApi, api_id: str, services: Services) -> None:
        self.api_id = api_id
        self.services = services
        self.stages = StageTable(api, services)
        self.authorizers = Authorizers(api, services)
        self.throttles = Throttles()
        #: Access-log lines of every stage, oldest first (``Deployment.access_log``).
        self.access_log: list[str] = []
        #: Set by a WebSocket-capable app; plain HTTP APIs refuse upgrades.
        self.websocket: Callable[..., Awaitable[None]] | None = None

    async def __call__(self, scope: dict[str, Any], receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            await self.http(scope, receive, send)
        elif scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008})

    # The lean server's entry points (``server/wire.py``): how deployments are served.
    #: The HTTP API payload limit: a bigger body is read, dropped and answered 413.
    body_limit = MAX_PAYLOAD
    #: The server makes each request as the gateway's own (no second object per request).
    request_type = GatewayRequest

    async def serve(self, wire: WireRequest) -> WireResponse:
        """One request off the wire through the chain; the answer as the server writes it."""
        started = time.perf_counter()
        request = (wire.complete() if wire.__class__ is GatewayRequest
                   else GatewayRequest.from_wire(wire))
        record = Invocation(self.api_id, "", request.line, request_id=request.request_id)
        if wire.too_large:
            response = self.too_large(record)
        else:
            response = await self.handle(request, record)
        response, lines = self.checked(request, response, record, started)
        return response.status, response_head(lines, response.body, request.request_id), response.body

    def abandoned(self, wire: WireRequest, received: int) -> None:
        """The client left before the whole body arrived: noted, nothing invoked."""
        request = wire if isinstance(wire, GatewayRequest) else GatewayRequest.from_wire(wire)
        record = Invocation(self.api_id, "", request.line)
        record.error = str(ClientGone(received))
        LOG.add(record)

    async def http(self, scope: dict[str, Any], receive: Receive, send: Send) -> None:
        """One HTTP request through the chain, served as an ASGI app."""
        started = time.perf_counter()
        try:
            body = await read_body(receive)
        except ClientGone as gone:  # a cut-short body never reaches an integration
            record = Invocation(self.api_id, "", GatewayRequest.from_scope(scope, b"").line)
            record.error = str(gone)
            LOG.add(record)
            return
        request = GatewayRequest.from_scope(scope, body or b"")
        response = await self.respond(request, started, too_large=body is None)
        await send_response(send, response, request.request_id)

    async def respond(self, request: GatewayRequest, started: float, *, too_large: bool = False
                      ) -> GatewayResponse:
        """limits → :meth:`handle` → response checks, recorded in the invocation log."""
        record = Invocation(self.api_id, "", request.line, request_id=request.request_id)
        response = self.too_large(record) if too_large else await self.handle(request, record)
        return self.checked(request, response, record, started)[0]

    @staticmethod
    def too_large(record: Invocation) -> GatewayResponse:
        """A body over the payload limit: 413, nothing invoked."""
        record.error = f"payload over {MAX_PAYLOAD} bytes (413)"
        return responses.too_large()

    def checked(self, request: GatewayRequest, response: GatewayResponse, record: Invocation,
                started: float) -> tuple[GatewayResponse, bytes]:
        """The response checks (a malformed integration response is answered 500, as AWS does),
        then the record completed (status, latency, access-log line) and logged; the answer and
        its header lines on the wire (:func:`header_lines`)."""
        lines = header_lines(response.headers)
        if isinstance(lines, str):
            record.error = f"malformed integration response: {lines}"
            response = responses.internal_error()
            fixed = header_lines(response.headers)
            assert isinstance(fixed, bytes)  # the gateway's own answer
            lines = fixed
        record.status = response.status
        record.duration_ms = (time.perf_counter() - started) * 1000
        compiled = self.stages.by_name.get(record.stage)
        if compiled is not None and compiled.stage.access_log_format is not None:
            self.write_access_log(request, response, record, compiled.stage)
        LOG.add(record)
        return response, lines

    def write_access_log(self, request: GatewayRequest, response: GatewayResponse,
                         record: Invocation, stage: Stage) -> None:
        """``stage``'s access-log line (it has a format) in the record and ``access_log``."""
        assert stage.access_log_format is not None
        from pytest_apigw_embedded.exchange import access_log  # loaded by the first stage that logs

        host = request.header("host") or f"{self.api_id}.execute-api.us-east-1.amazonaws.com"
        values = access_log.http_values(self.api_id, request, response.status, response.body, record, host)
        record.access_log = access_log.line(stage.access_log_format, values)
        self.access_log.append(record.access_log)

    async def handle(self, request: GatewayRequest, record: Invocation) -> GatewayResponse:
        """Stage → CORS preflight → route → throttle → authorize → integration: every AWS error
        answer is decided here (one coroutine for the whole chain: it runs for every request)."""
        # stage
        selected = self.stages.select(request.raw_path)
        if selected is None:
            record.error = "no stage matches and there is no $default stage"
            return responses.not_found()
        stage_routes, stage_path = selected
        stage = stage_routes.stage
        record.stage = stage.stage_name
        request.stage_path = stage_path
        router = stage_routes.router
        cors = self.stages.api.cors_preflight
        preflight = cors is not None and cors_rules.is_preflight(request)
        # route (a preflight is an OPTIONS request: a route that catches OPTIONS here gets it)
        match = router.match(request.method, stage_path)
        if match is None:
            if preflight:  # no route catches OPTIONS here: the gateway answers it
                assert cors is not None
                record.route_key = "(CORS preflight, answered by the gateway)"
                return cors_rules.preflight(cors, request)
            record.error = no_route(request.method, stage_path, stage.stage_name, router.keys)
            return responses.not_found()
        # a route that catches OPTIONS ($default, ANY, OPTIONS) gets the preflight, authorizer
        # and all, as on AWS (repost.aws "JWT authorizers and CORS": add an OPTIONS route
        # without authorization)
        record.route_key = key = match.key
        # throttle
        if stage.throttle is not None or stage.route_throttles:
            refused_by = self.throttles.allow(stage, key)
            if refused_by is not None:
                record.error = f"throttled: {key} is over its limits ({refused_by!r})"
                return responses.too_many_requests()
        ctx = RequestContext(self.api_id, stage, match, request, record, self.services)
        plan = stage_routes.plans[id(match.route)]
        try:
            # authorize
            if plan.authorized:
                denied = await self.authorizers.authorize(request, ctx)
                if denied is not None:
                    return denied
            # integration, its latency and status (``$context.integration*``)
            integrated = time.perf_counter()
            response = await plan.integration(request, ctx)
            record.integration_latency_ms = (time.perf_counter() - integrated) * 1000
        except Exception as exc:  # a gateway bug must not hang the client: 500 and the reason
            import traceback

            record.error = f"gateway error: {exc!r}"
            record.traceback = traceback.format_exc()
            return responses.internal_error()
        if plan.lambda_proxy:  # Lambda's invoke status: 200 once invoked
            record.integration_status = 200 if record.event is not None else None
        elif record.error is None:
            record.integration_status = response.status
        if cors is not None:
            cors_rules.decorate(cors, request, response, preflight=preflight)
        return response


def no_route(method: str, stage_path: str, stage_name: str, keys: list[str]) -> str:
    """Why a request got 404: no route matches, and the routes the stage has."""
    listed = ", ".join(keys[:20]) + (f", ... ({len(keys)} in all)" if len(keys) > 20 else "")
    return f"no route matches {method} {stage_path}; stage {stage_name!r} has: {listed or 'no routes'}"
