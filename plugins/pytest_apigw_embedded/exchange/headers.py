"""Header rules every integration shares: which headers are connection-specific, and the trace
id API Gateway adds.

A gateway is a proxy, so connection-specific headers (RFC 9110 §7.6.1: the hop-by-hop set and
any header named in ``Connection``) never travel past it: not to an upstream, not back to the
client, and not into a Lambda event (AWS's recorded events carry none: aws-lambda-go
``events/testdata/apigw-v2-request*.json``, powertools ``tests/events/apiGatewayProxyV2Event.json``).
"""

from __future__ import annotations

import time
from collections.abc import Iterable

from pytest_apigw_embedded.exchange.request import RANDOM

HOP_BY_HOP = frozenset({
    "connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "proxy-connection",
    "te", "trailer", "trailers", "transfer-encoding", "upgrade",
})


def listed_in_connection(headers: Iterable[tuple[str, str]]) -> set[str]:
    """The header names ``Connection`` lists (also hop-by-hop); lower-case names in."""
    return {token.strip().lower()
            for name, value in headers if name == "connection" for token in value.split(",")}


def without(headers: list[tuple[str, str]], dropped: frozenset[str]) -> list[tuple[str, str]]:
    """``headers`` (lower-case names) without ``dropped`` names and those ``Connection`` lists
    (one pass when there is no ``Connection`` header, the usual case)."""
    kept = [(k, v) for k, v in headers if k not in dropped]
    if len(kept) == len(headers) or not any(k == "connection" for k, _ in headers):
        return kept
    listed = listed_in_connection(headers)
    return [(k, v) for k, v in kept if k not in listed]


def strip_hop_by_hop(headers: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """``headers`` (lower-case names) without hop-by-hop ones and those ``Connection`` lists."""
    return without(headers, HOP_BY_HOP)


def trace_id(epoch_s: int | None = None) -> str:
    """``Root=1-<epoch hex>-<24 hex>``, the shape of AWS's ``x-amzn-trace-id`` (``epoch_s``: the
    request's second, when the caller has it; else now)."""
    if epoch_s is None:
        epoch_s = int(time.time())
    return "Root=1-%08x-%024x" % (epoch_s, RANDOM.getrandbits(96))  # noqa: UP031 - the fastest
