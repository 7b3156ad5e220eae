"""The headers API Gateway adds before a request reaches an integration."""

from __future__ import annotations

import os
import time

from pytest_apigw_embedded.gateway.context import RequestContext
from pytest_apigw_embedded.gateway.request import GatewayRequest


def trace_id() -> str:
    """An X-Ray trace id: ``Root=1-<epoch hex>-<24 hex>``."""
    return f"Root=1-{int(time.time()):08x}-{os.urandom(12).hex()}"


_SET_BY_GATEWAY = ("content-length", "x-forwarded-port", "x-forwarded-proto", "x-amzn-trace-id")


def forwarded_headers(request: GatewayRequest, ctx: RequestContext) -> list[tuple[str, str]]:
    """The client's headers (names as the client spelled them) plus ``Content-Length``,
    ``X-Forwarded-*`` and ``X-Amzn-Trace-Id`` as AWS sets them: the client's own
    ``X-Forwarded-For`` is kept and the caller's IP appended. Payload 2.0 lower-cases them all."""
    out: list[tuple[str, str]] = []
    forwarded_for = None
    for (name, value), spelled in zip(request.headers, request.header_names, strict=True):
        if name in _SET_BY_GATEWAY:
            continue
        if name == "x-forwarded-for":
            forwarded_for = value if forwarded_for is None else f"{forwarded_for}, {value}"
            continue
        out.append((spelled, value))
    ip = request.source_ip
    out.append(("Content-Length", str(len(request.body))))
    out.append(("X-Amzn-Trace-Id", trace_id()))
    out.append(("X-Forwarded-For", f"{forwarded_for}, {ip}" if forwarded_for else ip))
    out.append(("X-Forwarded-Port", str(request.port)))
    out.append(("X-Forwarded-Proto", "http"))
    return out
