"""The headers API Gateway adds before a request reaches an integration."""

from __future__ import annotations

from pytest_apigw_embedded.exchange.context import RequestContext
from pytest_apigw_embedded.exchange.headers import HOP_BY_HOP, listed_in_connection, trace_id
from pytest_apigw_embedded.exchange.request import GatewayRequest

#: Never passed on from the client: set by the gateway, or connection-specific.
DROPPED = HOP_BY_HOP | {"content-length", "x-forwarded-port", "x-forwarded-proto", "x-amzn-trace-id"}


_ADDED = ("Content-Length", "X-Amzn-Trace-Id", "X-Forwarded-For", "X-Forwarded-Port", "X-Forwarded-Proto")
_ADDED_LOWER = tuple(name.lower() for name in _ADDED)


def forwarded_headers(
    request: GatewayRequest, ctx: RequestContext, lower: bool = False
) -> list[tuple[str, str]]:
    """The client's headers (names as the client spelled them; no hop-by-hop ones, as in AWS's
    recorded events) plus ``Content-Length``, ``X-Forwarded-*`` and ``X-Amzn-Trace-Id`` as AWS
    sets them: the client's own ``X-Forwarded-For`` is kept and the caller's IP appended.
    ``lower=True`` (payload 2.0) gives every name lower-cased."""
    out: list[tuple[str, str]] = []
    forwarded_for = None
    spelled = request.header_names
    headers = request.headers
    listed: set[str] | tuple[()] = ()
    for key, _ in headers:  # most requests have no ``Connection`` header: no set built then
        if key == "connection":
            listed = listed_in_connection(headers)
            break
    for index, (key, value) in enumerate(headers):
        if key in DROPPED or key in listed:
            continue
        if key == "x-forwarded-for":
            forwarded_for = value if forwarded_for is None else f"{forwarded_for}, {value}"
            continue
        out.append((key if lower else spelled[index], value))
    ip = request.source_ip
    values = (
        str(len(request.body)), trace_id(), f"{forwarded_for}, {ip}" if forwarded_for else ip,
        str(request.port), "http",
    )
    out.extend(zip(_ADDED_LOWER if lower else _ADDED, values, strict=True))
    return out
