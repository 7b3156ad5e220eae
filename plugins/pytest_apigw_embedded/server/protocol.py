"""uvicorn's httptools protocol, keeping header names as the client wrote them.

ASGI lower-cases header names; payload 1.0 events show them as sent (``User-Agent``), so the
original spellings ride along in the scope under ``apigw.header_names``, aligned with
``scope["headers"]``.
"""

from __future__ import annotations

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

HEADER_NAMES_KEY = "apigw.header_names"


class CasePreservingHttpToolsProtocol(HttpToolsProtocol):
    """Records each header's original name next to the lower-cased one ASGI carries."""

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self.scope[HEADER_NAMES_KEY] = []  # type: ignore[literal-required]

    def on_header(self, name: bytes, value: bytes) -> None:
        self.scope[HEADER_NAMES_KEY].append(name.decode("latin-1"))  # type: ignore[literal-required]
        super().on_header(name, value)

    def handle_websocket_upgrade(self) -> None:
        """uvicorn hands the upgrade to the WebSocket protocol by re-serialising the request
        from ASGI's lower-cased names; put the client's spellings back first, so ``$connect``
        sees ``Host``, ``Sec-WebSocket-Key``, ... as recorded on AWS (powertools
        ``apiGatewayWebSocketApiConnect.json``, aws-lambda-go ``apigw-websocket-request.json``)."""
        names = self.scope.get(HEADER_NAMES_KEY)
        headers = list(self.scope["headers"])
        if isinstance(names, list) and names and len(names) == len(headers):
            spelled = zip(names, headers, strict=True)
            self.scope["headers"] = [(n.encode("latin-1"), v) for n, (_, v) in spelled]
        super().handle_websocket_upgrade()
