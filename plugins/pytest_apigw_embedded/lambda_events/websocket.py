"""The Lambda events of a WebSocket API, shaped as AWS sends them (powertools' recorded
``apiGatewayWebSocketApi{Connect,Message,Disconnect}.json``): ``requestContext`` with
``eventType`` CONNECT / MESSAGE / DISCONNECT, ``connectionId``, ``messageId``, ``connectedAt``,
``domainName``, ``stage``, ``routeKey``, ``apiId``, ``requestId``, ``requestTimeEpoch``, ...
``$connect`` also gets the handshake's headers and query string.
"""

from __future__ import annotations

import base64
import random
import secrets
import time
from typing import Any
from urllib.parse import parse_qsl

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
#: Headers API Gateway does not pass on to ``$connect`` (hop-by-hop).
_DROPPED = frozenset({"connection", "upgrade"})


#: Ids need to be unique, not secret: a seeded PRNG is several times cheaper than urandom.
_random = random.Random(secrets.randbits(64))


def new_id() -> str:
    """An id like AWS's connection / request / message ids (``BFaT_fALIAMCKug=``)."""
    return base64.urlsafe_b64encode(_random.getrandbits(88).to_bytes(11, "big")).decode()


_last_time: tuple[int, str] = (-1, "")


def request_time(epoch_ms: int) -> str:
    """``11/Nov/2024:13:45:46 +0000`` (formatted once per second)."""
    global _last_time
    second = epoch_ms // 1000
    if _last_time[0] != second:
        t = time.gmtime(second)
        day = f"{t.tm_mday:02d}/{_MONTHS[t.tm_mon - 1]}/{t.tm_year}"
        _last_time = (second, f"{day}:{t.tm_hour:02d}:{t.tm_min:02d}:{t.tm_sec:02d} +0000")
    return _last_time[1]


def now_ms() -> int:
    """Milliseconds since the epoch."""
    return time.time_ns() // 1_000_000


def iso8601(epoch_ms: int) -> str:
    """``2024-11-11T13:45:46.514Z`` (the management API's timestamps)."""
    t = time.gmtime(epoch_ms / 1000)
    return time.strftime("%Y-%m-%dT%H:%M:%S", t) + f".{epoch_ms % 1000:03d}Z"


def handshake_headers(scope: dict[str, Any], source_ip: str, port: int) -> list[tuple[str, str]]:
    """The handshake's headers as ``$connect`` sees them (client's case), plus the ones API
    Gateway adds (``X-Amzn-Trace-Id``, ``X-Forwarded-*``)."""
    headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in scope["headers"]
               if k.decode("latin-1").lower() not in _DROPPED]
    present = {k.lower() for k, _ in headers}
    trace = f"Root=1-{int(time.time()):08x}-{secrets.token_hex(12)}"
    for name, value in (("X-Amzn-Trace-Id", trace), ("X-Forwarded-For", source_ip),
                        ("X-Forwarded-Port", str(port)), ("X-Forwarded-Proto", "http")):
        if name.lower() not in present:
            headers.append((name, value))
    return headers


def _single_and_multi(pairs: list[tuple[str, str]]) -> tuple[dict[str, str], dict[str, list[str]]]:
    single: dict[str, str] = {}
    multi: dict[str, list[str]] = {}
    for name, value in pairs:
        single[name] = value
        multi.setdefault(name, []).append(value)
    return single, multi


class EventFactory:
    """Builds the events of one connection; the parts that never change are computed once."""

    def __init__(self, *, api_id: str, stage: Any, connection_id: str, domain_name: str,
                 source_ip: str, user_agent: str | None, connected_at: int) -> None:
        self.connection_id = connection_id
        self.domain_name = domain_name
        identity: dict[str, str] = {"sourceIp": source_ip}
        if user_agent is not None:
            identity["userAgent"] = user_agent
        self._base = {
            "messageDirection": "IN",
            "stage": stage.stage_name,
            "connectedAt": connected_at,
            "identity": identity,
            "domainName": domain_name,
            "connectionId": connection_id,
            "apiId": api_id,
        }
        self._stage_variables = dict(stage.stage_variables or {}) or None
        #: ``requestContext.authorizer`` of every event once the ``$connect`` authorizer allowed.
        self.authorizer: dict[str, Any] | None = None

    def _context(self, route_key: str, event_type: str, request_id: str, epoch_ms: int) -> dict[str, Any]:
        ctx = {
            "routeKey": route_key,
            "eventType": event_type,
            "extendedRequestId": request_id,
            "requestTime": request_time(epoch_ms),
            "requestTimeEpoch": epoch_ms,
            "requestId": request_id,
        }
        ctx.update(self._base)
        ctx["identity"] = dict(self._base["identity"])
        if self.authorizer is not None:
            ctx["authorizer"] = dict(self.authorizer)
        return ctx

    def _event(self, ctx: dict[str, Any]) -> dict[str, Any]:
        event: dict[str, Any] = {"requestContext": ctx, "isBase64Encoded": False}
        if self._stage_variables:
            event["stageVariables"] = dict(self._stage_variables)
        return event

    def connect(self, headers: list[tuple[str, str]], query_string: bytes, request_id: str) -> dict[str, Any]:
        """The ``$connect`` event: headers, query string, CONNECT context."""
        single, multi = _single_and_multi(headers)
        event = {"headers": single, "multiValueHeaders": multi}
        if query_string:
            pairs = parse_qsl(query_string.decode("latin-1"), keep_blank_values=True)
            qs, mqs = _single_and_multi(pairs)
            event["queryStringParameters"] = qs
            event["multiValueQueryStringParameters"] = mqs
        event.update(self._event(self._context("$connect", "CONNECT", request_id, now_ms())))
        return event

    def message(self, route_key: str, data: str | bytes, request_id: str, message_id: str) -> dict[str, Any]:
        """A MESSAGE event; binary frames arrive base64-encoded."""
        ctx = self._context(route_key, "MESSAGE", request_id, now_ms())
        ctx["messageId"] = message_id
        event = self._event(ctx)
        if isinstance(data, bytes):
            event["body"] = base64.b64encode(data).decode()
            event["isBase64Encoded"] = True
        else:
            event["body"] = data
        return event

    def disconnect(self, code: int, reason: str, request_id: str) -> dict[str, Any]:
        """The ``$disconnect`` event with the close code and reason."""
        ctx = self._context("$disconnect", "DISCONNECT", request_id, now_ms())
        ctx["disconnectStatusCode"] = code
        ctx["disconnectReason"] = reason
        pairs = [("Host", self.domain_name), ("x-api-key", ""), ("X-Forwarded-For", ""), ("x-restapi", "")]
        single, multi = _single_and_multi(pairs)
        event: dict[str, Any] = {"headers": single, "multiValueHeaders": multi}
        event.update(self._event(ctx))
        return event


def disconnect_reason(code: int, reason: str) -> str:
    """The ``disconnectReason`` AWS reports for a close code (the peer's reason when given)."""
    if reason:
        return reason
    # No entry for 1001: a browser's tab close (1001, no reason) is recorded on AWS with
    # ``disconnectReason: ""`` (aws-lambda-go ``apigw-websocket-request-disconnect.json``);
    # 1005's text is recorded too (powertools ``apiGatewayWebSocketApiDisconnect.json``).
    return {
        1005: "Client-side close frame status not set",
        1006: "Connection closed abnormally",
        1009: "Message too big",
    }.get(code, "")
