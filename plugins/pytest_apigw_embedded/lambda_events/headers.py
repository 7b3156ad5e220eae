"""The headers API Gateway adds before a request reaches an integration."""

from __future__ import annotations

from pytest_apigw_embedded.exchange.context import RequestContext
from pytest_apigw_embedded.exchange.headers import HOP_BY_HOP, listed_in_connection, trace_id
from pytest_apigw_embedded.exchange.request import GatewayRequest

#: Never passed on from the client: set by the gateway, or connection-specific.
DROPPED = HOP_BY_HOP | {"content-length", "x-forwarded-port", "x-forwarded-proto", "x-amzn-trace-id"}


#: The headers API Gateway sets itself, in the order of AWS's recorded events.
ADDED = ("Content-Length", "X-Amzn-Trace-Id", "X-Forwarded-For", "X-Forwarded-Port", "X-Forwarded-Proto")
#: :data:`ADDED`, lower-cased (payload 2.0).
ADDED_LOWER = tuple(name.lower() for name in ADDED)


def added_values(request: GatewayRequest, forwarded_for: str | None) -> tuple[str, str, str, str, str]:
    """The values of :data:`ADDED` for ``request``: ``forwarded_for`` is the client's own
    ``X-Forwarded-For`` (``None``: it sent none), kept with the caller's IP appended."""
    ip = request.source_ip
    return (str(len(request.body)), trace_id(request.time_epoch_ms // 1000),
            f"{forwarded_for}, {ip}" if forwarded_for else ip, str(request.port), "http")


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
    out.extend(zip(ADDED_LOWER if lower else ADDED, added_values(request, forwarded_for), strict=True))
    return out
