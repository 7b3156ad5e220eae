"""Query strings as proxy events carry them."""

from __future__ import annotations

from urllib.parse import unquote


def parse_query(raw: str) -> list[tuple[str, str]]:
    """Pairs in order; keys and values URL-decoded (``+`` is kept: AWS does not treat it as a
    space in HTTP APIs, an undocumented choice); a key without ``=`` has value ``""``."""
    pairs = []
    for part in raw.split("&"):
        if not part:
            continue
        key, _, value = part.partition("=")
        pairs.append((unquote(key), unquote(value)))
    return pairs


def grouped(pairs: list[tuple[str, str]]) -> dict[str, list[str]]:
    """Values per name, in order."""
    out: dict[str, list[str]] = {}
    for key, value in pairs:
        out.setdefault(key, []).append(value)
    return out
