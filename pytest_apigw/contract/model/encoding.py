"""How the request's parts reach an integration: decoded path, query pairs, body encoding.

- ``rawPath``/``path`` are URL-decoded on HTTP APIs: undocumented, shown by live captures
  (REST APIs and Function URLs keep the encoding; HTTP APIs decode it).
- Query keys and values are URL-decoded; repeated keys are "combined with commas" in 2.0
  (``http-api-develop-integrations-lambda.md``, Note under "Payload format version").
- Bodies: text content types arrive as text, everything else base64 with
  ``isBase64Encoded: true`` (undocumented for HTTP APIs; public reports show form posts and
  bodies without a content type arrive base64).

Written from those rules, not from the emulator's code: a model copied from what it judges would
share its bugs.
"""

from __future__ import annotations

import binascii
import re
from collections import defaultdict
from urllib.parse import unquote

#: Connection-specific headers a proxy never relays (RFC 9110 §7.6.1).
HOP_BY_HOP = frozenset({
    "connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "proxy-connection",
    "te", "trailer", "transfer-encoding", "upgrade",
})

#: A query string is ``&``-separated fields; a field is ``key[=value]`` (RFC 3986 §3.4 with the
#: form convention); ``+`` is not a space on HTTP APIs.
_FIELD = re.compile(r"(?P<key>[^&=]*)(?:=(?P<value>[^&]*))?")

#: Media types that reach a function as text (the rules above, as data): exact names, whole
#: ``type/`` families, and structured-syntax suffixes (RFC 6839).
_TEXT_EXACT = frozenset({"application/json", "application/javascript", "application/xml"})
_TEXT_FAMILIES = ("text/",)
_TEXT_SUFFIXES = ("+json", "+xml")


def decoded_path(raw_path: str) -> str:
    """The path an integration sees (URL-decoded)."""
    return unquote(raw_path)


def parse_query(raw: str) -> list[tuple[str, str]]:
    """``a=1&b=%20`` → ``[("a", "1"), ("b", " ")]``; empty fields are skipped."""
    return [
        (unquote(m["key"]), unquote(m["value"] or ""))
        for m in _FIELD.finditer(raw)
        if m.group(0)
    ]


def grouped(pairs: list[tuple[str, str]]) -> dict[str, list[str]]:
    """Values per key, in order of appearance."""
    out: defaultdict[str, list[str]] = defaultdict(list)
    for key, value in pairs:
        out[key].append(value)
    return dict(out)


def is_text(content_type: str | None) -> bool:
    """True when a body of this content type reaches a Lambda function as text."""
    mime = (content_type or "").partition(";")[0].strip().lower()
    if not mime:
        return False
    return mime in _TEXT_EXACT or mime.startswith(_TEXT_FAMILIES) or mime.endswith(_TEXT_SUFFIXES)


def event_body(body: bytes, content_type: str | None) -> tuple[str, bool]:
    """``(body, isBase64Encoded)`` as a proxy event carries a non-empty body: text when the
    type is text and the bytes are UTF-8, base64 otherwise."""
    text = _utf8(body) if is_text(content_type) else None
    if text is not None:
        return text, False
    return binascii.b2a_base64(body, newline=False).decode("ascii"), True


def _utf8(body: bytes) -> str | None:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        return None
