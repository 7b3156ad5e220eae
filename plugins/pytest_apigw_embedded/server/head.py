"""A request head's bytes turned into text once, for the lean server (``http_protocol.py``).

A test sends the same few heads again and again (the same ``Host``, ``Accept``, ``User-Agent``
lines, the same paths), so a header line and a request target decoded once are remembered:
short ones only (:data:`CACHED_LEN`), and a bounded number (:data:`CACHE_SIZE`; a full cache
starts afresh), so a session sending many distinct heads stays flat.
"""

from __future__ import annotations

import httptools

from pytest_apigw_embedded.bounded import remember

#: Longest header line (name and value) and request target kept in the caches, in bytes.
CACHED_LEN = 256
#: Entries each cache holds before it starts afresh.
CACHE_SIZE = 1024
#: Request header names the server itself reads (hop-by-hop ones, and ``proxy-connection``,
#: which the parser reads as ``connection``).
NOTED = frozenset(("connection", "upgrade", "expect", "proxy-connection"))

#: A decoded header line: ``(name as spelled, (lower-case name, value), the value's size in
#: bytes, the server reads it: in NOTED)``.
Decoded = tuple[str, tuple[str, str], int, bool]

#: ``(name, value)`` as the parser gave them → :data:`Decoded`.
HEADERS: dict[tuple[bytes, bytes], Decoded] = {}
#: A request target (origin form) → ``(raw path, query)``.
TARGETS: dict[bytes, tuple[str, str]] = {}


def decode_header(line: tuple[bytes, bytes]) -> Decoded:
    """``line`` (``(name, value)`` as the parser gave them) as text, remembered when short."""
    name, value = line
    spelled = name.decode("latin-1")
    lower = spelled.lower()
    size = len(value)
    decoded = (spelled, (lower, value.decode("latin-1")), size, lower in NOTED)
    if size + len(name) <= CACHED_LEN:
        remember(HEADERS, line, decoded, CACHE_SIZE)
    return decoded


def split_target(url: bytes) -> tuple[str, str]:
    """``(raw path, query)`` of a request target (percent-escapes kept, Latin-1), remembered
    when short."""
    if url[:1] == b"/" and b"#" not in url:  # origin form, the usual: no URL parser needed
        path, _, query = url.partition(b"?")
        found = (path.decode("latin-1"), query.decode("latin-1"))
    else:
        parsed = httptools.parse_url(url)
        found = ((parsed.path or b"").decode("latin-1"), (parsed.query or b"").decode("latin-1"))
    if len(url) <= CACHED_LEN:
        remember(TARGETS, url, found, CACHE_SIZE)
    return found
