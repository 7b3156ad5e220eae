"""The headers API Gateway adds before a request reaches an integration."""

from __future__ import annotations

import random
import time

from pytest_apigw_embedded.exchange.context import RequestContext
from pytest_apigw_embedded.exchange.request import GatewayRequest


def trace_id() -> str:
    """An X-Ray trace id: ``Root=1-<epoch hex>-<24 hex>``."""
    return f"Root=1-{int(time.time()):08x}-{random.getrandbits(96):024x}"


_SET_BY_GATEWAY = ("content-length", "x-forwarded-port", "x-forwarded-proto", "x-amzn-trace-id")


_ADDED = ("Content-Length", "X-Amzn-Trace-Id", "X-Forwarded-For", "X-Forwarded-Port", "X-Forwarded-Proto")
_ADDED_LOWER = tuple(name.lower() for name in _ADDED)


def forwarded_headers(
    request: GatewayRequest, ctx: RequestContext, lower: bool = False
) -> list[tuple[str, str]]:
    """The client's headers (names as the client spelled them) plus ``Content-Length``,
    ``X-Forwarded-*`` and ``X-Amzn-Trace-Id`` as AWS sets them: the client's own
    ``X-Forwarded-For`` is kept and the caller's IP appended. ``lower=True`` (payload 2.0) gives
    every name lower-cased."""
    out: list[tuple[str, str]] = []
    forwarded_for = None
    spelled = request.header_names
    for index, (key, value) in enumerate(request.headers):
        if key in _SET_BY_GATEWAY:
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
