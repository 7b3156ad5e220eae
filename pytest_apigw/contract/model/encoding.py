"""How the request's parts reach an integration: decoded path, query pairs, body encoding.

- ``rawPath``/``path`` are URL-decoded on HTTP APIs: undocumented, shown by live captures
  (REST APIs and Function URLs keep the encoding; HTTP APIs decode it).
- Query keys and values are URL-decoded; repeated keys are "combined with commas" in 2.0
  (``http-api-develop-integrations-lambda.md``, Note under "Payload format version").
- Bodies: text content types arrive as text, everything else base64 with
  ``isBase64Encoded: true`` (undocumented for HTTP APIs; public reports show form posts and
  bodies without a content type arrive base64).
"""

from __future__ import annotations

import base64
from urllib.parse import unquote

_TEXT_TYPES = ("application/json", "application/javascript", "application/xml")


def decoded_path(raw_path: str) -> str:
    """The path an integration sees (URL-decoded)."""
    return unquote(raw_path)


def parse_query(raw: str) -> list[tuple[str, str]]:
    """``a=1&b=%20`` → ``[("a", "1"), ("b", " ")]``."""
    pairs = []
    for part in raw.split("&"):
        if part:
            key, _, value = part.partition("=")
            pairs.append((unquote(key), unquote(value)))
    return pairs


def grouped(pairs: list[tuple[str, str]]) -> dict[str, list[str]]:
    """Values per key, in order of appearance."""
    out: dict[str, list[str]] = {}
    for key, value in pairs:
        out.setdefault(key, []).append(value)
    return out


def is_text(content_type: str | None) -> bool:
    """True when a body of this content type reaches a Lambda function as text."""
    if not content_type:
        return False
    mime = content_type.split(";")[0].strip().lower()
    return mime.startswith("text/") or mime in _TEXT_TYPES or mime.endswith(("+json", "+xml"))


def event_body(body: bytes, content_type: str | None) -> tuple[str, bool]:
    """``(body, isBase64Encoded)`` as a proxy event carries a non-empty body."""
    if is_text(content_type):
        try:
            return body.decode("utf-8"), False
        except UnicodeDecodeError:
            pass
    return base64.b64encode(body).decode("ascii"), True
