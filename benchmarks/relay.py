"""The cheapest in-process proxy hop: a byte relay, the floor of the proxied rows.

:class:`ByteRelay` listens on loopback on its own uvloop thread (the same arrangement as the
embedded gateway: a loop thread of this process, sharing the GIL with the client and the
upstream) and, per client connection, opens one connection to the upstream and copies bytes both
ways: nothing parsed, nothing built, written the gateway's way (``server/direct_write.py``). What
it costs against a direct call is what any proxy hop costs on this machine, before any gateway
work: the proxied rows' ratio is to be read against it.
"""

from __future__ import annotations

import asyncio
import socket
from typing import Any

from benchmarks.common import LOOPBACK
from benchmarks.processes import LoopThread, stop_server


def _write(transport: Any, data: bytes) -> None:
    from pytest_apigw_embedded.server import direct_write

    direct_write.write(transport, direct_write.socket_fd(transport), data)


class _Upstream(asyncio.Protocol):
    """The relay's connection to the upstream: what it answers goes to the client."""

    def __init__(self, client: _Client) -> None:
        self.client = client
        self.transport: Any = None

    def connection_made(self, transport: Any) -> None:
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        _write(self.client.transport, data)

    def connection_lost(self, exc: Exception | None) -> None:
        self.client.transport.close()


class _Client(asyncio.Protocol):
    """One client connection: its bytes go to the upstream (once connected)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.transport: Any = None
        self.upstream: _Upstream | None = None
        self.pending: list[bytes] = []

    def connection_made(self, transport: Any) -> None:
        self.transport = transport
        self.task = asyncio.get_running_loop().create_task(self._connect())

    async def _connect(self) -> None:
        loop = asyncio.get_running_loop()
        _, self.upstream = await loop.create_connection(lambda: _Upstream(self), LOOPBACK, self.port)
        for data in self.pending:
            _write(self.upstream.transport, data)
        self.pending.clear()

    def data_received(self, data: bytes) -> None:
        if self.upstream is None:
            self.pending.append(data)
        else:
            _write(self.upstream.transport, data)

    def connection_lost(self, exc: Exception | None) -> None:
        if self.upstream is not None:
            self.upstream.transport.close()


class ByteRelay:
    """A byte relay to ``127.0.0.1:upstream_port`` on a free loopback port, on a uvloop thread."""

    def __init__(self, upstream_port: int) -> None:
        self.thread = LoopThread(name="bench-relay")
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind((LOOPBACK, 0))
        self.port = self.sock.getsockname()[1]

        async def start() -> asyncio.base_events.Server:
            return await asyncio.get_running_loop().create_server(
                lambda: _Client(upstream_port), sock=self.sock)

        self.server = self.thread.run(start())

    def url(self, path: str) -> str:
        return f"http://{LOOPBACK}:{self.port}{path}"

    def close(self) -> None:
        stop_server(self.thread, self.server)
