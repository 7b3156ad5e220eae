"""Headers on the way to and back from an upstream: hop-by-hop removal, ``x-forwarded-*``.

As a proxy should (RFC 9110 §7.6.1), connection-specific headers are not forwarded in either
direction: the standard hop-by-hop set and any header named in ``Connection``. ``Host`` becomes
the upstream's. AWS adds ``x-forwarded-for`` (the client's address appended to any the client
sent), ``x-forwarded-proto``, ``x-forwarded-port`` and ``x-amzn-trace-id``.
"""

from __future__ import annotations

from operator import itemgetter

from pytest_apigw_embedded.exchange.headers import HOP_BY_HOP, listed_in_connection, trace_id

#: Request headers the gateway replaces with its own.
_REPLACED = HOP_BY_HOP | {"host", "content-length", "x-forwarded-for", "x-forwarded-proto",
                          "x-forwarded-port"}
#: Response headers not relayed (the gateway writes its own length).
_NOT_RELAYED = HOP_BY_HOP | {"content-length"}
_NAME = itemgetter(0)


def request_headers(
    headers: list[tuple[str, str]], *, host: str | None, source_ip: str, proto: str, port: int
) -> list[tuple[str, str]]:
    """The headers sent upstream (before parameter mapping); ``host=None``: the target's,
    added when the target is chosen."""
    out = [header for header in headers if header[0] not in _REPLACED]
    names = list(map(_NAME, headers))  # the names' scans below run in C, no frame per header
    forwarded = [v for k, v in headers if k == "x-forwarded-for"] if "x-forwarded-for" in names else []
    if "connection" in names:
        listed = listed_in_connection(headers)
        out = [(k, v) for k, v in out if k not in listed]
        has_trace = any(k == "x-amzn-trace-id" for k, _ in out)
    else:
        has_trace = "x-amzn-trace-id" in names
    forwarded_for = ",".join(forwarded)
    if host is not None:
        out.append(("host", host))
    out.append(("x-forwarded-for", f"{forwarded_for}, {source_ip}" if forwarded_for else source_ip))
    out.append(("x-forwarded-proto", proto))
    out.append(("x-forwarded-port", str(port)))
    if not has_trace:
        out.append(("x-amzn-trace-id", trace_id()))
    return out


def request_fields(
    headers: list[tuple[str, str]], *, host: str | None, source_ip: str, proto: str, port: int
) -> tuple[str, int] | None:
    """:func:`request_headers` rendered as header lines (``name: value\r\n`` each) in one pass,
    with their count; ``None`` when the client sent a header that needs more than a copy
    (``Connection``, ``X-Forwarded-For``, ``X-Amzn-Trace-Id``): :func:`request_headers` then."""
    names = list(map(_NAME, headers))
    if "connection" in names or "x-forwarded-for" in names or "x-amzn-trace-id" in names:
        return None
    kept = [f"{k}: {v}\r\n" for k, v in headers if k not in _REPLACED]
    if host is not None:
        kept.append(f"host: {host}\r\n")
    return (f"{''.join(kept)}x-forwarded-for: {source_ip}\r\nx-forwarded-proto: {proto}\r\n"
            f"x-forwarded-port: {port}\r\nx-amzn-trace-id: {trace_id()}\r\n", len(kept) + 4)


def response_headers(headers: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The upstream's response headers (lower-case names) for the client: hop-by-hop and
    ``content-length`` dropped (the gateway writes its own length)."""
    kept = [(k, v) for k, v in headers if k not in _NOT_RELAYED]
    if len(kept) == len(headers) or "connection" not in map(_NAME, headers):  # the usual case
        return kept
    listed = listed_in_connection(headers)
    return [(k, v) for k, v in kept if k not in listed]
