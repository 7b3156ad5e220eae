"""The request as the gateway sees it, built once from the ASGI scope and body."""

from __future__ import annotations

import os
import random
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

from pytest_apigw_embedded.server.limits import HEADER_NAMES_KEY
from pytest_apigw_embedded.server.wire import WireRequest

#: Request ids need to be unique, not secret: a PRNG of our own (a test seeding ``random`` does
#: not repeat them) seeded once, and again in a forked child, costs no system call per id.
RANDOM = random.Random()
os.register_at_fork(after_in_child=RANDOM.seed)


#: ``requestContext.http.protocol`` for the HTTP versions the server speaks.
_PROTOCOLS = {"1.1": "HTTP/1.1", "1.0": "HTTP/1.0"}


def new_request_id() -> str:
    """An id in the shape of AWS's ``apigw-requestid``: 16 characters, the last ``=``
    (``LV7fzho-PHcEJPw=`` in aws-lambda-go's recorded ``apigw-v2-request-no-authorizer.json``)."""
    return "%07x-%07x=" % (RANDOM.getrandbits(28), RANDOM.getrandbits(28))  # noqa: UP031 - the fastest


@dataclass(slots=True)
class GatewayRequest:
    """An incoming request: method, paths, query, headers (in order, lower-cased), body."""

    method: str
    raw_path: str
    path: str
    query_string: str
    headers: list[tuple[str, str]]
    #: The header names as the client spelled them, aligned with ``headers``.
    header_names: list[str]
    body: bytes
    source_ip: str
    protocol: str
    port: int
    request_id: str = field(default_factory=new_request_id)
    time_epoch_ms: int = field(default_factory=lambda: int(time.time() * 1000))
    #: The stage-relative path (set by stage selection).
    stage_path: str = "/"
    #: The client's TCP port: with ``source_ip``, identifies its connection (NLB stickiness).
    source_port: int = 0

    @classmethod
    def from_scope(cls, scope: dict[str, Any], body: bytes) -> GatewayRequest:
        """Build from an ASGI HTTP scope. ``path`` is decoded as HTTP APIs decode it."""
        raw = scope.get("raw_path") or scope["path"].encode()
        raw_path = raw.decode("latin-1")
        # ASGI header names are lower-case already.
        headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in scope["headers"]]
        names = scope.get(HEADER_NAMES_KEY)
        if names is None or len(names) != len(headers):
            names = [name for name, _ in headers]
        client = scope.get("client") or ("127.0.0.1", 0)
        server = scope.get("server") or ("127.0.0.1", 0)
        return cls(
            method=scope["method"],
            raw_path=raw_path,
            # Undocumented, seen on AWS: HTTP APIs hand integrations the URL-decoded path.
            path=unquote(raw_path),
            query_string=scope.get("query_string", b"").decode("latin-1"),
            headers=headers,
            header_names=names,
            body=body,
            source_ip=client[0],
            protocol=f"HTTP/{scope.get('http_version', '1.1')}",
            port=server[1],
            source_port=client[1],
        )

    @classmethod
    def from_wire(cls, wire: WireRequest) -> GatewayRequest:
        """Build from what the lean server parsed (the body too, unless it was over the limit)."""
        raw_path = wire.raw_path
        client = wire.client
        return cls(  # positional (the fields' order): this runs for every request
            wire.method, raw_path, unquote(raw_path) if "%" in raw_path else raw_path, wire.query_string,
            wire.headers, wire.header_names, b"" if wire.too_large else wire.body, client[0],
            _PROTOCOLS.get(wire.http_version) or f"HTTP/{wire.http_version}", wire.server_port,
            new_request_id(), int(time.time() * 1000), "/", client[1],
        )

    def header(self, name: str) -> str | None:
        """All values of header ``name`` (lower-case) joined by commas, or ``None``."""
        found = None
        for key, value in self.headers:
            if key == name:
                found = value if found is None else f"{found},{value}"
        return found

    @property
    def line(self) -> str:
        """``GET /path?query`` for reports."""
        query = f"?{self.query_string}" if self.query_string else ""
        return f"{self.method} {self.raw_path}{query}"
