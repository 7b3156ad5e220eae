"""The headers API Gateway adds before a request reaches an integration."""

from __future__ import annotations

import os
import time

from pytest_apigw_embedded.gateway.context import RequestContext
from pytest_apigw_embedded.gateway.request import GatewayRequest


def trace_id() -> str:
    """An X-Ray trace id: ``Root=1-<epoch hex>-<24 hex>``."""
    return f"Root=1-{int(time.time()):08x}-{os.urandom(12).hex()}"


def forwarded_headers(request: GatewayRequest, ctx: RequestContext) -> list[tuple[str, str]]:
    """The client's headers plus ``content-length``, ``x-forwarded-*`` and ``x-amzn-trace-id``
    as AWS sets them (the client's own ``x-forwarded-for`` is kept, the caller's IP appended)."""
    out: list[tuple[str, str]] = []
    forwarded_for = None
    for name, value in request.headers:
        if name in ("content-length", "x-forwarded-port", "x-forwarded-proto", "x-amzn-trace-id"):
            continue
        if name == "x-forwarded-for":
            forwarded_for = value if forwarded_for is None else f"{forwarded_for}, {value}"
            continue
        out.append((name, value))
    ip = request.source_ip
    out.append(("content-length", str(len(request.body))))
    out.append(("x-amzn-trace-id", trace_id()))
    out.append(("x-forwarded-for", f"{forwarded_for}, {ip}" if forwarded_for else ip))
    out.append(("x-forwarded-port", str(request.port)))
    out.append(("x-forwarded-proto", "http"))
    return out
