"""What the lean HTTP/1.1 server (``http_protocol.py``) hands an app and takes back from it.

A :class:`WireRequest` is one whole request as the parser saw it (names as the client spelled
them, the body already read), made as the app's ``request_type``; the app answers with a
:data:`WireResponse`: the status, the header lines already encoded (``b"name: value\\r\\n"``
each) and the body. The server adds the
status line, ``connection: close`` when the connection ends with this answer, and leaves the
body out for ``HEAD``, so head and body go out in one write.
"""

from __future__ import annotations

import http
from collections.abc import Coroutine
from typing import Any, Protocol, runtime_checkable

#: ``(status, header lines, body)``: the header lines end in CRLF each, without the blank line.
WireResponse = tuple[int, bytes, bytes]


#: The reason phrase of every status Python knows (one pass over the enum: building the table
#: below with ``HTTPStatus(status)``, 440 of them raising, cost a first deploy about 1.5 ms).
_PHRASES: dict[int, bytes] = {status.value: status.phrase.encode() for status in http.HTTPStatus}


def status_line(status: int) -> bytes:
    """``HTTP/1.1 <status> <reason>\r\n`` (no reason for a status Python does not know)."""
    return b"HTTP/1.1 %d %s\r\n" % (status, _PHRASES.get(status, b""))


#: ``HTTP/1.1 200 OK\r\n`` and the like, for every status an app may answer.
STATUS_LINES: dict[int, bytes] = {status: status_line(status) for status in range(100, 600)}


class WireRequest:
    """One request off the wire: method, raw path and query, headers (lower-case names, in
    order, with the client's spellings alongside), body, HTTP version and both addresses."""

    __slots__ = ("method", "raw_path", "query_string", "headers", "header_names", "body", "too_large",
                 "http_version", "client", "server_port", "keep_alive", "upgrade", "expect_continue")

    def __init__(self, client: tuple[str, int], server_port: int) -> None:
        self.method = "GET"
        #: The path as sent (percent-escapes kept), decoded as Latin-1.
        self.raw_path = "/"
        self.query_string = ""
        self.headers: list[tuple[str, str]] = []
        self.header_names: list[str] = []
        self.body = b""
        #: The body passed the app's ``body_limit``: it was read and dropped.
        self.too_large = False
        self.http_version = "1.1"
        self.client = client
        self.server_port = server_port
        #: The connection stays open after the answer (HTTP/1.1 without ``Connection: close``).
        self.keep_alive = True
        #: A WebSocket upgrade (answered by the server: plain HTTP APIs refuse it).
        self.upgrade = False
        self.expect_continue = False


@runtime_checkable
class WireApp(Protocol):
    """An app the lean server can serve: the HTTP API gateway."""

    #: Body bytes kept per request; past it the body is read and dropped (``too_large``).
    body_limit: int
    #: What the server makes each request as, ``request_type(client, server_port)`` at the
    #: head's first byte: :class:`WireRequest` or the app's own subclass, so the app's request
    #: object is built once, by the server, instead of copied from a WireRequest.
    request_type: type[WireRequest]

    def serve(self, request: WireRequest) -> Coroutine[Any, Any, WireResponse]:
        """The answer to ``request`` (a coroutine: run eagerly, a Task only if it waits)."""

    def abandoned(self, request: WireRequest, received: int) -> None:
        """The client left after the head of ``request`` and ``received`` body bytes: nothing
        is invoked, the app only notes it."""
