"""The requests the strategies draw, as plain data, and how they are sent (``http.client``:
the path, repeated headers and ``Cookie`` headers go on the wire exactly as drawn)."""

from __future__ import annotations

import http.client
import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlsplit

if TYPE_CHECKING:
    from pytest_apigw.backend import Deployment

__all__ = ["HttpRequest", "HttpResponse", "api_root"]

#: Methods whose requests carry a body in generated requests (bodies on GET/HEAD/DELETE are
#: undocumented on AWS and dropped by some proxies).
BODY_METHODS = ("POST", "PUT", "PATCH")


@dataclass(frozen=True)
class HttpRequest:
    """One HTTP request to an API.

    ``path`` is what goes on the request line: ASCII, percent-encoded, starting with ``/``
    and relative to the API's root (a named stage's segment included). ``query`` holds
    *decoded* pairs in order (encoded with ``quote(safe="")`` when sent, so ``+`` is never
    ambiguous); ``headers`` are the client's own; each string in ``cookies`` is the value of
    one ``Cookie`` header (``"a=1; b=2"``).
    """

    method: str
    path: str
    query: tuple[tuple[str, str], ...] = ()
    headers: tuple[tuple[str, str], ...] = ()
    cookies: tuple[str, ...] = ()
    content_type: str | None = None
    body: bytes = b""

    @property
    def query_string(self) -> str:
        """The raw query string as sent (no leading ``?``)."""
        return "&".join(f"{quote(k, safe='')}={quote(v, safe='')}" for k, v in self.query)

    @property
    def target(self) -> str:
        """Path and query as on the request line."""
        query = self.query_string
        return f"{self.path}?{query}" if query else self.path

    def wire_headers(self) -> list[tuple[str, str]]:
        """Every header the client sends besides ``Host`` and ``Content-Length``."""
        out = list(self.headers)
        out.extend(("Cookie", cookie) for cookie in self.cookies)
        if self.content_type is not None:
            out.append(("Content-Type", self.content_type))
        return out

    def send(self, root: str, *, timeout: float = 30.0) -> HttpResponse:
        """Send to ``root`` (see :func:`api_root`; its path, if any, prefixes :attr:`path`) on a
        new connection."""
        parts = urlsplit(root)
        target = parts.path.rstrip("/") + self.target
        conn_class = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
        conn = conn_class(parts.netloc, timeout=timeout)
        try:
            conn.putrequest(self.method, target, skip_host=True, skip_accept_encoding=True)
            conn.putheader("Host", parts.netloc)
            for name, value in self.wire_headers():
                conn.putheader(name, value)
            if self.body or self.method in BODY_METHODS:
                conn.putheader("Content-Length", str(len(self.body)))
            conn.endheaders(self.body or None)
            raw = conn.getresponse()
            body = raw.read()
            return HttpResponse(raw.status, [(k.lower(), v) for k, v in raw.getheaders()], body)
        finally:
            conn.close()

    def describe(self) -> str:
        """A readable multi-line rendering for failure reports."""
        lines = [f"{self.method} {self.target}"]
        lines += [f"  {name}: {value}" for name, value in self.wire_headers()]
        if self.body:
            shown = self.body[:80]
            more = f" ... ({len(self.body)} bytes)" if len(self.body) > 80 else ""
            lines.append(f"  body: {shown!r}{more}")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return f"HttpRequest<{self.describe()}>"


@dataclass
class HttpResponse:
    """Status, headers (lower-case names, repeats kept) and body of a response."""

    status: int
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""

    def header(self, name: str) -> str | None:
        """The first value of header ``name`` (lower-case), or ``None``."""
        return next((v for k, v in self.headers if k == name), None)

    def header_values(self, name: str) -> list[str]:
        """Every value of header ``name`` (lower-case)."""
        return [v for k, v in self.headers if k == name]

    def json(self) -> Any:
        """The body parsed as JSON."""
        return json.loads(self.body)


def api_root(deployment: Deployment | str) -> str:
    """Where :class:`HttpRequest` paths start: the deployment's URL without its stage segment
    (a named stage's segment is part of a generated request's path; ``$default`` is served from
    the API's base). LocalStack's path-style URLs keep their ``/_aws/execute-api/<id>`` prefix.

    Pass the :class:`~pytest_apigw.Deployment`; a plain URL string is taken as the root itself.
    """
    if isinstance(deployment, str):
        return deployment.rstrip("/")
    url = deployment.url.rstrip("/")
    suffix = f"/{deployment.stage}"
    return url[: -len(suffix)] if url.endswith(suffix) else url
