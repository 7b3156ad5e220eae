"""Request bodies in proxy events: text as is, binary as base64 (``isBase64Encoded``)."""

from __future__ import annotations

import base64

# Undocumented in detail; public reports show HTTP APIs pass these content types as text and
# base64-encode everything else (form posts and bodies without a content type included).
_TEXT_TYPES = ("application/json", "application/javascript", "application/xml")


def is_text(content_type: str | None) -> bool:
    """True when a body of ``content_type`` reaches Lambda as text."""
    if not content_type:
        return False
    mime = content_type.split(";")[0].strip().lower()
    return mime.startswith("text/") or mime in _TEXT_TYPES or mime.endswith(("+json", "+xml"))


def encode_body(body: bytes, content_type: str | None) -> tuple[str, bool]:
    """``(body, isBase64Encoded)`` for an event."""
    if is_text(content_type):
        try:
            return body.decode("utf-8"), False
        except UnicodeDecodeError:
            pass
    return base64.b64encode(body).decode("ascii"), True
