"""The request that leaves the gateway for an upstream, before and after parameter mapping."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, quote, urlencode

#: Characters kept as they are when a decoded path is put back into a URL.
PATH_SAFE = "/:@!$&'()*+,;=-._~"
#: A value made only of characters ``quote`` keeps (letters, digits, :data:`PATH_SAFE`) is
#: already encoded: the usual path, checked in one regex call instead of quoted.
_ENCODED = re.compile(r"[A-Za-z0-9/:@!$&'()*+,;=\-._~]*\Z")


@dataclass(slots=True)
class Outgoing:
    """Method, encoded path and query, headers (lower-case names) and body for the upstream."""

    method: str
    path: str
    query: str
    headers: list[tuple[str, str]]
    body: bytes
    #: The same headers already rendered as lines, with their count (the usual request, no
    #: parameter mapping: ``headers.request_fields``), then ``headers`` is empty; else ``None``.
    fields: tuple[str, int] | None = None

    @property
    def target(self) -> str:
        """``/path?query`` as written on the request line."""
        return f"{self.path}?{self.query}" if self.query else self.path

    def header_values(self, name: str) -> list[str]:
        return [v for k, v in self.headers if k == name]

    def set_header(self, name: str, value: str | None, *, append: bool = False) -> None:
        """Overwrite (or, with ``append``, add a comma-joined value to) header ``name``;
        ``None`` removes it."""
        old = self.header_values(name)
        self.headers = [(k, v) for k, v in self.headers if k != name]
        if value is not None:
            self.headers.append((name, ",".join([*old, value]) if append and old else value))

    def set_query(self, name: str, value: str | None, *, append: bool = False) -> None:
        """Overwrite, append to, or (``None``) remove query key ``name`` (re-encodes the query)."""
        pairs = parse_qsl(self.query, keep_blank_values=True)
        if not append or value is None:
            pairs = [(k, v) for k, v in pairs if k != name]
        if value is not None:
            pairs.append((name, value))
        self.query = urlencode(pairs, quote_via=quote)


def quote_path(decoded: str) -> str:
    """A decoded path (``$request.path``, a path parameter) made safe for a request line."""
    return decoded if _ENCODED.match(decoded) else quote(decoded, safe=PATH_SAFE)
