"""uvicorn's httptools protocol, keeping header names as the client wrote them, with AWS's
limits on what arrives.

ASGI lower-cases header names; payload 1.0 events show them as sent (``User-Agent``), so the
original spellings ride along in the scope under ``apigw.header_names``, aligned with
``scope["headers"]``.

Limits (``docs/limits.md``): a request line plus header values over 10,240 bytes is answered
431 before any integration runs; a connection on which a request is begun but not finished (a
half-sent head or a body cut short), or which sends nothing at all, is closed after
:data:`~pytest_apigw_embedded.server.limits.IDLE_TIMEOUT` seconds of silence (between requests
uvicorn's keep-alive timeout applies).
"""

from __future__ import annotations

from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from pytest_apigw_embedded.server import limits
from pytest_apigw_embedded.server.limits import HEADER_NAMES_KEY


class CasePreservingHttpToolsProtocol(HttpToolsProtocol):
    """Records each header's original name next to the lower-cased one ASGI carries."""

    _head_size = 0
    _head_too_big = False
    _receiving = False

    def connection_made(self, transport: Any) -> None:
        super().connection_made(transport)
        self._arm_idle()

    def _arm_idle(self) -> None:
        # uvicorn's keep-alive timer closes the connection when it fires; any data cancels it.
        self._unset_keepalive_if_required()
        self.timeout_keep_alive_task = self.loop.call_later(
            limits.IDLE_TIMEOUT, self.timeout_keep_alive_handler)

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if self._receiving and not self.transport.is_closing():
            self._arm_idle()  # a request is still arriving: silence from here on is bounded

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self.scope[HEADER_NAMES_KEY] = []  # type: ignore[literal-required]
        self._head_size = 16  # method, spaces and HTTP version: at most 16 bytes besides the URL
        self._receiving = True

    def on_url(self, url: bytes) -> None:
        self._count(len(url))  # may come in pieces: each is counted once
        super().on_url(url)

    def on_header(self, name: bytes, value: bytes) -> None:
        self._count(len(value))
        self.scope[HEADER_NAMES_KEY].append(name.decode("latin-1"))  # type: ignore[literal-required]
        super().on_header(name, value)

    def on_message_complete(self) -> None:
        self._receiving = False
        self._unset_keepalive_if_required()  # the request is whole: the integration takes its time
        super().on_message_complete()

    def _count(self, size: int) -> None:
        self._head_size += size
        if self._head_size > limits.MAX_REQUEST_HEAD:
            self._head_too_big = True
            raise limits.HeadTooBig

    def send_400_response(self, msg: str) -> None:
        """uvicorn's answer to a parse error; a too-big head gets AWS's limit answer instead."""
        if not self._head_too_big:
            super().send_400_response(msg)
            return
        self._receiving = False
        self._unset_keepalive_if_required()
        self.transport.write(limits.HEAD_TOO_BIG_RESPONSE)
        self.transport.close()

    def handle_websocket_upgrade(self) -> None:
        """uvicorn hands the upgrade to the WebSocket protocol by re-serialising the request
        from ASGI's lower-cased names; put the client's spellings back first, so ``$connect``
        sees ``Host``, ``Sec-WebSocket-Key``, ... as recorded on AWS (powertools
        ``apiGatewayWebSocketApiConnect.json``, aws-lambda-go ``apigw-websocket-request.json``)."""
        self._receiving = False  # the WebSocket protocol owns the connection (and its limits) now
        self._unset_keepalive_if_required()
        names = self.scope.get(HEADER_NAMES_KEY)
        headers = list(self.scope["headers"])
        if isinstance(names, list) and names and len(names) == len(headers):
            spelled = zip(names, headers, strict=True)
            self.scope["headers"] = [(n.encode("latin-1"), v) for n, (_, v) in spelled]
        super().handle_websocket_upgrade()
