"""The request as the gateway sees it: made by the lean server, or built from an ASGI scope."""

from __future__ import annotations

import os
import random
import time
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


class GatewayRequest(WireRequest):
    """An incoming request: method, paths, query, headers (in order, lower-cased), body.

    The lean server makes it itself (``HttpGateway.request_type``) and fills in what the parser
    sees; :meth:`complete` then works out what follows from that. Built from an ASGI scope by
    :meth:`from_scope`, from a plain :class:`WireRequest` by :meth:`from_wire`."""

    __slots__ = ("path", "source_ip", "protocol", "port", "request_id", "time_epoch_ms", "stage_path",
                 "source_port")

    def __init__(self, client: tuple[str, int] = ("127.0.0.1", 0), server_port: int = 0) -> None:
        WireRequest.__init__(self, client, server_port)
        #: The URL-decoded path (:meth:`complete`).
        self.path = "/"
        self.source_ip = client[0]
        #: ``requestContext.http.protocol``: ``HTTP/1.1`` unless :meth:`complete` says otherwise.
        self.protocol = "HTTP/1.1"
        self.port = server_port
        self.request_id = new_request_id()
        self.time_epoch_ms = int(time.time() * 1000)
        #: The stage-relative path (set by stage selection).
        self.stage_path = "/"
        #: The client's TCP port: with ``source_ip``, identifies its connection (NLB stickiness).
        self.source_port = client[1]

    def complete(self) -> GatewayRequest:
        """Work out what follows from the parsed fields (the decoded path, the protocol); the
        request itself."""
        raw_path = self.raw_path
        # Undocumented, seen on AWS: HTTP APIs hand integrations the URL-decoded path.
        self.path = unquote(raw_path) if "%" in raw_path else raw_path
        version = self.http_version
        if version != "1.1":
            self.protocol = _PROTOCOLS.get(version) or f"HTTP/{version}"
        return self

    @classmethod
    def from_scope(cls, scope: dict[str, Any], body: bytes) -> GatewayRequest:
        """Build from an ASGI HTTP scope. ``path`` is decoded as HTTP APIs decode it."""
        client = scope.get("client") or ("127.0.0.1", 0)
        server = scope.get("server") or ("127.0.0.1", 0)
        request = cls((client[0], client[1]), server[1])
        raw = scope.get("raw_path") or scope["path"].encode()
        request.raw_path = raw.decode("latin-1")
        # ASGI header names are lower-case already.
        request.headers = headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in scope["headers"]]
        names = scope.get(HEADER_NAMES_KEY)
        if names is None or len(names) != len(headers):
            names = [name for name, _ in headers]
        request.header_names = names
        request.method = scope["method"]
        request.query_string = scope.get("query_string", b"").decode("latin-1")
        request.body = body
        request.http_version = scope.get("http_version", "1.1")
        return request.complete()

    @classmethod
    def from_wire(cls, wire: WireRequest) -> GatewayRequest:
        """Build from a plain :class:`WireRequest` (the body too, unless it was over the limit)."""
        request = cls(wire.client, wire.server_port)
        request.method, request.raw_path, request.query_string = wire.method, wire.raw_path, wire.query_string
        request.headers, request.header_names = wire.headers, wire.header_names
        request.body = b"" if wire.too_large else wire.body
        request.too_large, request.http_version = wire.too_large, wire.http_version
        return request.complete()

    def __repr__(self) -> str:
        return f"GatewayRequest({self.line!r}, request_id={self.request_id!r})"

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
