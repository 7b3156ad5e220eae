"""Loopback upstream servers for the HTTP integration tests (asyncio + httptools, own thread).

``Upstreams`` runs one event loop thread; ``echo()`` starts a server answering each request with
JSON describing what it received (method, path, query, headers, body, its own name);
``broken()`` answers with half a response and closes; ``refused_port()`` names a port nobody
listens on. ``close()`` closes every server and connection, cancels what is in flight and joins
the thread, so nothing outlives the fixture.
"""

from __future__ import annotations

import asyncio
import json
import socket
import ssl as ssl_module
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import httptools

HOST = "127.0.0.1"


@dataclass
class Server:
    """One listening upstream: its port, what it received and which connections it saw."""

    name: str
    port: int = 0
    scheme: str = "http"
    requests: list[dict[str, Any]] = field(default_factory=list)
    peers: set[tuple[str, int]] = field(default_factory=set)
    transports: set[Any] = field(default_factory=set)
    handle: Any = None

    @property
    def url(self) -> str:
        return f"{self.scheme}://{HOST}:{self.port}"


class _Protocol(asyncio.Protocol):
    def __init__(self, owner: Upstreams, server: Server, behaviour: dict[str, Any]) -> None:
        self.owner, self.server, self.behaviour = owner, server, behaviour
        self.parser = httptools.HttpRequestParser(self)
        self.transport: Any = None
        self._reset()

    def _reset(self) -> None:
        self.url, self.headers, self.body = b"", [], []

    def connection_made(self, transport: Any) -> None:
        self.transport = transport
        self.owner.transports.add(transport)
        self.server.transports.add(transport)
        self.server.peers.add(transport.get_extra_info("peername")[:2])

    def connection_lost(self, exc: Exception | None) -> None:
        self.owner.transports.discard(self.transport)
        self.server.transports.discard(self.transport)

    def data_received(self, data: bytes) -> None:
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserError:
            self.transport.close()

    def on_url(self, url: bytes) -> None:
        self.url += url

    def on_header(self, name: bytes, value: bytes) -> None:
        self.headers.append((name.decode("latin-1").lower(), value.decode("latin-1")))

    def on_body(self, body: bytes) -> None:
        self.body.append(body)

    def on_message_complete(self) -> None:
        path, _, query = self.url.decode("latin-1").partition("?")
        seen = {
            "server": self.server.name, "method": self.parser.get_method().decode(), "path": path,
            "query": query, "headers": self.headers, "body": b"".join(self.body).decode("latin-1"),
        }
        self.server.requests.append(seen)
        self._reset()
        task = asyncio.ensure_future(self._respond(seen))
        self.owner.tasks.add(task)
        task.add_done_callback(self.owner.tasks.discard)

    async def _respond(self, seen: dict[str, Any]) -> None:
        behaviour = self.behaviour
        if behaviour.get("delay"):
            await asyncio.sleep(behaviour["delay"])
        if behaviour.get("broken"):
            self.transport.write(b"HTTP/1.1 200 OK\r\ncontent-length: 1000\r\n\r\nonly part")
            self.transport.close()
            return
        body = behaviour.get("body") or json.dumps(seen).encode()
        lines = [f"HTTP/1.1 {behaviour.get('status', 200)} X", "content-type: application/json",
                 f"content-length: {len(body)}", f"x-upstream: {self.server.name}"]
        lines += [f"{k}: {v}" for k, v in behaviour.get("headers", ())]
        self.transport.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body)


class Upstreams:
    """Upstream servers on 127.0.0.1, served by one event loop thread."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.transports: set[Any] = set()
        self.tasks: set[asyncio.Future[Any]] = set()
        self.servers: list[Server] = []
        self._thread = threading.Thread(target=self.loop.run_forever, name="test-upstreams", daemon=True)
        self._thread.start()

    def _run(self, coro: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(10)

    def echo(
        self, name: str = "echo", *, ssl: ssl_module.SSLContext | None = None, **behaviour: Any
    ) -> Server:
        """A server answering JSON of what it got; ``status=``, ``headers=[(k, v)]``, ``body=``,
        ``delay=`` seconds, ``broken=True`` (half a response, then close) change the answer."""
        server = Server(name, scheme="https" if ssl else "http")

        async def start() -> Any:
            return await self.loop.create_server(lambda: _Protocol(self, server, behaviour), HOST, 0, ssl=ssl)

        server.handle = self._run(start())
        server.port = server.handle.sockets[0].getsockname()[1]
        self.servers.append(server)
        return server

    def broken(self, name: str = "broken") -> Server:
        """A server that sends part of a response and closes the connection."""
        return self.echo(name, broken=True)

    def stop(self, server: Server) -> None:
        """Stop one server and drop its connections (its port then refuses connections)."""
        async def stop() -> None:
            server.handle.close()
            for transport in list(server.transports):
                transport.abort()
            await asyncio.sleep(0)

        self._run(stop())

    @staticmethod
    def refused_port() -> int:
        """A loopback port with nothing listening (bound, never listened, released)."""
        with socket.socket() as sock:
            sock.bind((HOST, 0))
            return sock.getsockname()[1]

    def close(self) -> None:
        """Close every server and connection, cancel pending answers, join the thread."""
        async def shutdown() -> None:
            for server in self.servers:
                server.handle.close()
            for transport in list(self.transports):
                transport.abort()
            for task in list(self.tasks):
                task.cancel()
            await asyncio.sleep(0)

        self._run(shutdown())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(10)
        self.loop.close()


def running_upstreams() -> Iterator[Upstreams]:
    """For a fixture: ``yield from running_upstreams()`` (every server stopped at teardown)."""
    servers = Upstreams()
    try:
        yield servers
    finally:
        servers.close()
