"""Headers on the way to and back from an upstream: hop-by-hop removal, ``x-forwarded-*``.

As a proxy should (RFC 9110 §7.6.1), connection-specific headers are not forwarded in either
direction: the standard hop-by-hop set and any header named in ``Connection``. ``Host`` becomes
the upstream's. AWS adds ``x-forwarded-for`` (the client's address appended to any the client
sent), ``x-forwarded-proto``, ``x-forwarded-port`` and ``x-amzn-trace-id``.
"""

from __future__ import annotations

import secrets
import time

HOP_BY_HOP = frozenset({
    "connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "proxy-connection",
    "te", "trailer", "trailers", "transfer-encoding", "upgrade",
})


def strip_hop_by_hop(headers: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """``headers`` (lower-case names) without hop-by-hop ones and those ``Connection`` lists."""
    listed = {
        token.strip().lower()
        for name, value in headers if name == "connection" for token in value.split(",")
    }
    return [(k, v) for k, v in headers if k not in HOP_BY_HOP and k not in listed]


def trace_id() -> str:
    """``Root=1-<epoch hex>-<24 hex>``, the shape of AWS's ``x-amzn-trace-id``."""
    return f"Root=1-{int(time.time()):08x}-{secrets.token_hex(12)}"


def request_headers(
    headers: list[tuple[str, str]], *, host: str | None, source_ip: str, proto: str, port: int
) -> list[tuple[str, str]]:
    """The headers sent upstream (before parameter mapping); ``host=None``: the target's,
    added when the target is chosen."""
    out = [(k, v) for k, v in strip_hop_by_hop(headers)
           if k not in ("host", "content-length", "x-forwarded-for", "x-forwarded-proto",
                        "x-forwarded-port")]
    forwarded_for = ",".join(v for k, v in headers if k == "x-forwarded-for")
    if host is not None:
        out.append(("host", host))
    out.append(("x-forwarded-for", f"{forwarded_for}, {source_ip}" if forwarded_for else source_ip))
    out.append(("x-forwarded-proto", proto))
    out.append(("x-forwarded-port", str(port)))
    if not any(k == "x-amzn-trace-id" for k, _ in out):
        out.append(("x-amzn-trace-id", trace_id()))
    return out


def response_headers(headers: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The upstream's response headers (lower-case names) for the client: hop-by-hop and
    ``content-length`` dropped (the gateway writes its own length)."""
    return [(k, v) for k, v in strip_hop_by_hop(headers) if k != "content-length"]
