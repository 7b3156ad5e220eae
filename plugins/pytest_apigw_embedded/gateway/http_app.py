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
from pytest_apigw_embedded.deployed.stages import StageRoutes, StageTable
from pytest_apigw_embedded.exchange import access_log, responses
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
    from pytest_apigw_embedded.integrations import Integration
    from pytest_apigw_embedded.services import Services

_date_cache: tuple[int, str] = (0, "")
#: Response headers the gateway sets itself (the integration's are dropped).
_OWN_HEADERS = frozenset(("content-length", "transfer-encoding", "connection", "date"))


def http_date_text() -> str:
    """The ``date`` header value, computed once per second."""
    global _date_cache
    now = int(time.time())
    if _date_cache[0] != now:
        _date_cache = (now, formatdate(now, usegmt=True))
    return _date_cache[1]


def http_date() -> bytes:
    """The ``date`` header value as bytes."""
    return http_date_text().encode()


def response_head(response: GatewayResponse, request_id: str) -> bytes:
    """The header lines of ``response`` on the wire (lower-case names, as uvicorn wrote them),
    with ``date``, ``content-length`` and AWS's ``apigw-requestid``."""
    lines = []
    for key, value in response.headers:  # each name lower-cased once
        name = key.lower()
        if name not in _OWN_HEADERS:
            lines.append(f"{name}: {value}\r\n")
    lines.append(f"date: {http_date_text()}\r\ncontent-length: {len(response.body)}\r\n"
                 f"apigw-requestid: {request_id}\r\n")
    return "".join(lines).encode("latin-1")


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

    async def serve(self, wire: WireRequest) -> WireResponse:
        """One request off the wire through the chain; the answer as the server writes it."""
        started = time.perf_counter()
        request = GatewayRequest.from_wire(wire)
        response = await self.respond(request, started, too_large=wire.too_large)
        return response.status, response_head(response, request.request_id), response.body

    def abandoned(self, wire: WireRequest, received: int) -> None:
        """The client left before the whole body arrived: noted, nothing invoked."""
        record = Invocation(self.api_id, "", GatewayRequest.from_wire(wire).line)
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
        if too_large:
            record.error = f"payload over {MAX_PAYLOAD} bytes (413)"
            response = responses.too_large()
        else:
            response = await self.handle(request, record)
        problem = invalid_header(response.headers)
        if problem is not None:  # AWS answers a malformed integration response with a 500
            record.error = f"malformed integration response: {problem}"
            response = responses.internal_error()
        record.status = response.status
        record.duration_ms = (time.perf_counter() - started) * 1000
        self.write_access_log(request, response, record)
        LOG.add(record)
        return response

    def write_access_log(self, request: GatewayRequest, response: GatewayResponse,
                         record: Invocation) -> None:
        """The stage's access-log line (when it has a format) in the record and ``access_log``."""
        stage = self.stages.stage_named(record.stage)
        if stage is None or stage.access_log_format is None:
            return
        host = request.header("host") or f"{self.api_id}.execute-api.us-east-1.amazonaws.com"
        values = access_log.http_values(self.api_id, request, response.status, response.body, record, host)
        record.access_log = access_log.line(stage.access_log_format, values)
        self.access_log.append(record.access_log)

    async def handle(self, request: GatewayRequest, record: Invocation) -> GatewayResponse:
        """Stage → route → integration; every AWS error answer is decided here."""
        selected = self.stages.select(request.raw_path)
        if selected is None:
            record.error = "no stage matches and there is no $default stage"
            return responses.not_found()
        stage_routes, stage_path = selected
        record.stage = stage_routes.stage.stage_name
        request.stage_path = stage_path
        cors = self.stages.api.cors_preflight
        preflight = cors is not None and cors_rules.is_preflight(request)
        if cors is not None and preflight and stage_routes.router.match("OPTIONS", stage_path) is None:
            record.route_key = "(CORS preflight, answered by the gateway)"
            return cors_rules.preflight(cors, request)
        # a route that catches OPTIONS ($default, ANY, OPTIONS) gets the preflight, authorizer
        # and all, as on AWS (repost.aws "JWT authorizers and CORS": add an OPTIONS route
        # without authorization)
        response = await self.route(request, record, stage_routes, stage_path)
        if cors is not None:
            cors_rules.decorate(cors, request, response, preflight=preflight)
        return response

    async def route(
        self, request: GatewayRequest, record: Invocation, stage_routes: StageRoutes, stage_path: str
    ) -> GatewayResponse:
        """Route → authorize → integration → response (404 when no route matches)."""
        match = stage_routes.router.match(request.method, stage_path)
        if match is None:
            keys = stage_routes.router.keys
            listed = ", ".join(keys[:20]) + (f", ... ({len(keys)} in all)" if len(keys) > 20 else "")
            record.error = (f"no route matches {request.method} {stage_path}; stage "
                            f"{stage_routes.stage.stage_name!r} has: {listed or 'no routes'}")
            return responses.not_found()
        record.route_key = key = match.key
        refused_by = self.throttles.allow(stage_routes.stage, key)
        if refused_by is not None:
            record.error = f"throttled: {key} is over its limits ({refused_by!r})"
            return responses.too_many_requests()
        ctx = RequestContext(self.api_id, stage_routes.stage, match, request, record, self.services)
        plan = stage_routes.plans[id(match.route)]
        try:
            if plan.authorized:
                denied = await self.authorizers.authorize(request, ctx)
                if denied is not None:
                    return denied
            return await self.integrate(plan.integration, request, ctx, lambda_proxy=plan.lambda_proxy)
        except Exception as exc:  # a gateway bug must not hang the client: 500 and the reason
            import traceback

            record.error = f"gateway error: {exc!r}"
            record.traceback = traceback.format_exc()
            return responses.internal_error()

    @staticmethod
    async def integrate(
        integration: Integration, request: GatewayRequest, ctx: RequestContext,
        *, lambda_proxy: bool | None = None,
    ) -> GatewayResponse:
        """Run the integration, noting its latency and status (``$context.integration*``);
        ``lambda_proxy``: the route's integration is ``AWS_PROXY`` (worked out at deploy)."""
        record = ctx.invocation
        started = time.perf_counter()
        response = await integration(request, ctx)
        record.integration_latency_ms = (time.perf_counter() - started) * 1000
        if lambda_proxy is None:
            lambda_proxy = ctx.match.route.integration.integration_type == "AWS_PROXY"
        if lambda_proxy:
            record.integration_status = 200 if record.event is not None else None
        elif record.error is None:
            record.integration_status = response.status
        return response
