"""Headers on the way to and back from an upstream: hop-by-hop removal, ``x-forwarded-*``.

As a proxy should (RFC 9110 §7.6.1), connection-specific headers are not forwarded in either
direction: the standard hop-by-hop set and any header named in ``Connection``. ``Host`` becomes
the upstream's. AWS adds ``x-forwarded-for`` (the client's address appended to any the client
sent), ``x-forwarded-proto``, ``x-forwarded-port`` and ``x-amzn-trace-id``.
"""

from __future__ import annotations

from operator import itemgetter

from pytest_apigw_embedded.bounded import remember
from pytest_apigw_embedded.exchange.headers import HOP_BY_HOP, listed_in_connection, trace_id, without

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


#: Rendered header lines (all but the trace id) per request shape: the client's headers, host,
#: source address, scheme and port (``None``: the shape takes the general rules). A client sends
#: the same few header sets again and again; a shape is rendered once (cleared when full).
_SHAPES: dict[tuple[object, ...], tuple[str, int] | None] = {}
#: Response header sets (as the client decoded them) → what is relayed (cleared when full).
_RELAYED: dict[tuple[tuple[str, str], ...], tuple[tuple[str, str], ...]] = {}
#: Entries each cache holds at most (a changing ``Date`` makes a new response set each second).
MAX_CACHED = 256


def request_fields(
    headers: list[tuple[str, str]], *, host: str | None, source_ip: str, proto: str, port: int
) -> tuple[str, int] | None:
    """:func:`request_headers` rendered as header lines (``name: value\r\n`` each) with their
    count; ``None`` when the client sent a header that needs more than a copy (``Connection``,
    ``X-Forwarded-For``, ``X-Amzn-Trace-Id``): :func:`request_headers` then. The lines are
    rendered once per request shape (:data:`_SHAPES`); only the trace id is new per request."""
    key = (tuple(headers), host, source_ip, proto, port)
    try:
        shape = _SHAPES[key]
    except KeyError:
        shape = _render_shape(headers, host=host, source_ip=source_ip, proto=proto, port=port)
        remember(_SHAPES, key, shape, MAX_CACHED)
    if shape is None:
        return None
    return f"{shape[0]}x-amzn-trace-id: {trace_id()}\r\n", shape[1]


def _render_shape(
    headers: list[tuple[str, str]], *, host: str | None, source_ip: str, proto: str, port: int
) -> tuple[str, int] | None:
    """:func:`request_fields` but the trace id's line (which the count includes)."""
    names = list(map(_NAME, headers))
    if "connection" in names or "x-forwarded-for" in names or "x-amzn-trace-id" in names:
        return None
    kept = [f"{k}: {v}\r\n" for k, v in headers if k not in _REPLACED]
    if host is not None:
        kept.append(f"host: {host}\r\n")
    return (f"{''.join(kept)}x-forwarded-for: {source_ip}\r\nx-forwarded-proto: {proto}\r\n"
            f"x-forwarded-port: {port}\r\n", len(kept) + 4)


def response_headers(headers: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The upstream's response headers (lower-case names) for the client: hop-by-hop and
    ``content-length`` dropped (the gateway writes its own length). A new list each time (the
    chain may add to it), filtered once per distinct header set (:data:`_RELAYED`)."""
    key = tuple(headers)
    try:
        return list(_RELAYED[key])
    except KeyError:
        pass
    relayed = without(headers, _NOT_RELAYED)
    remember(_RELAYED, key, tuple(relayed), MAX_CACHED)
    return relayed
