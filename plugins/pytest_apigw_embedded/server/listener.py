"""A server for one deployment on a 127.0.0.1 port: the lean HTTP/1.1 server
(``http_protocol.py``) for an HTTP API's gateway, uvicorn (httptools + websockets) for an ASGI
app (WebSocket APIs)."""

from __future__ import annotations

import logging
import socket
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from pytest_apigw_embedded.server.drain import wait_drained
from pytest_apigw_embedded.server.http_protocol import LeanServer
from pytest_apigw_embedded.server.wire import WireApp

if TYPE_CHECKING:
    import uvicorn

BIND_HOST = "127.0.0.1"
#: An ASGI 3 application: ``await app(scope, receive, send)``.
AsgiApp = Callable[..., Awaitable[None]]


def bind_socket(port: int = 0) -> socket.socket:
    """A listening-ready TCP socket on loopback (``port=0``: the kernel picks a free one)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((BIND_HOST, port))
    sock.set_inheritable(False)
    return sock


def _uvicorn_server(app: AsgiApp) -> uvicorn.Server:
    """uvicorn for an ASGI app, imported on first use: an HTTP-only session never loads it (nor
    websockets), which is most of a first deploy's import time."""
    import uvicorn

    from pytest_apigw_embedded.server.protocol import CasePreservingHttpToolsProtocol
    from pytest_apigw_embedded.server.websocket_protocol import LimitedWebSocketProtocol

    config = uvicorn.Config(
        app,
        host=BIND_HOST,
        loop="none",
        http=CasePreservingHttpToolsProtocol,
        ws=LimitedWebSocketProtocol,
        lifespan="off",
        access_log=False,
        log_level=logging.WARNING,
        log_config=None,
        server_header=False,
        date_header=True,
        proxy_headers=False,
        ws_max_size=16 * 1024 * 1024,
        ws_ping_interval=None,
        timeout_graceful_shutdown=1,
    )
    config.load()
    server = uvicorn.Server(config)
    server.lifespan = config.lifespan_class(config)  # what serve() would set ("off")
    return server


class Listener:
    """Serves ``app`` on a loopback socket; start and stop it from inside the event loop.

    An app the lean server can serve (a :class:`~pytest_apigw_embedded.server.wire.WireApp`:
    the HTTP API gateway) gets it; any other ASGI app gets uvicorn."""

    def __init__(self, app: AsgiApp | WireApp, port: int = 0) -> None:
        self.sock = bind_socket(port)
        self.port: int = self.sock.getsockname()[1]
        self.lean: LeanServer | None = None
        self.server: uvicorn.Server | None = None
        if isinstance(app, WireApp):
            self.lean = LeanServer(app)
            return
        self.server = _uvicorn_server(app)

    async def start(self) -> None:
        """Begin accepting connections."""
        if self.lean is not None:
            await self.lean.start(self.sock)
            return
        assert self.server is not None
        await self.server.startup(sockets=[self.sock])
        if self.server.should_exit:
            raise RuntimeError(f"the gateway could not listen on {BIND_HOST}:{self.port}")

    async def stop(self, grace: float = 1.0) -> None:
        """Stop accepting, ask every connection to close, wait up to ``grace`` seconds for
        in-flight requests, then cancel what is left. (uvicorn's own ``shutdown()`` sleeps a
        fixed 100 ms, which would dominate a test's teardown.)"""
        if self.lean is not None:
            await self.lean.stop(grace)
            self.sock.close()
            return
        assert self.server is not None
        self.server.should_exit = True
        for server in self.server.servers:
            server.close()
        self.sock.close()
        state = self.server.server_state
        for connection in list(state.connections):
            connection.shutdown()
        await wait_drained(lambda: bool(state.connections or state.tasks), grace)
        for task in list(state.tasks):
            task.cancel()
        for connection in list(state.connections):
            transport = getattr(connection, "transport", None)
            if transport is not None:
                transport.abort()
        for server in self.server.servers:
            await server.wait_closed()
