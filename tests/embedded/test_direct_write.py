"""``server/direct_write.py`` over real loopback sockets, on asyncio and uvloop: bytes written
straight to the socket arrive whole and in order (also behind a write the kernel could not take at
once), TLS transports keep their own writes, and a write to a connection the peer reset raises
nothing (the transport reports the loss its usual way)."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import ssl
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
import trustme
import uvloop
from pytest_apigw_embedded.server import direct_write


class Collect(asyncio.Protocol):
    """Client side: the transport, and whether (and why) the connection was lost."""

    def __init__(self) -> None:
        self.transport: Any = None
        self.lost: asyncio.Future[Exception | None] = asyncio.get_running_loop().create_future()

    def connection_made(self, transport: Any) -> None:
        self.transport = transport

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.lost.done():
            self.lost.set_result(exc)


@pytest.fixture(params=["asyncio", "uvloop"])
def run(request: Any) -> Callable[[Callable[[], Awaitable[Any]]], Any]:
    factory = uvloop.new_event_loop if request.param == "uvloop" else asyncio.new_event_loop

    def runner(test: Callable[[], Awaitable[Any]]) -> Any:
        async def bounded() -> Any:
            return await asyncio.wait_for(test(), 20)

        with asyncio.Runner(loop_factory=factory) as runner:
            return runner.run(bounded())

    return runner


async def _pair(ssl_server: ssl.SSLContext | None = None, ssl_client: ssl.SSLContext | None = None):
    """A loopback server that keeps what it reads (until EOF) and a connected :class:`Collect`."""
    received: asyncio.Future[bytes] = asyncio.get_running_loop().create_future()

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        data = await reader.read()
        if not received.done():
            received.set_result(data)
        writer.close()

    server = await asyncio.start_server(serve, "127.0.0.1", 0, ssl=ssl_server)
    port = server.sockets[0].getsockname()[1]
    _, client = await asyncio.get_running_loop().create_connection(
        Collect, "127.0.0.1", port, ssl=ssl_client, server_hostname="localhost" if ssl_client else None)
    return server, client, received


def test_plain_tcp_bytes_arrive_whole_and_in_order_behind_a_big_write(run):
    async def test() -> None:
        server, client, received = await _pair()
        transport = client.transport
        fd = direct_write.socket_fd(transport)
        assert fd >= 0
        # A small send buffer: the kernel takes a part of the big write, whatever its autotuning
        # (with the default one it once took all 4 MiB, leaving nothing for the transport).
        transport.get_extra_info("socket").setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 64 * 1024)
        big = bytes(range(256)) * (16 * 1024)  # 4 MiB: more than the kernel takes at once
        direct_write.write(transport, fd, b"head:")
        direct_write.write(transport, fd, big)
        assert transport.get_write_buffer_size() > 0  # the rest waits in the transport...
        direct_write.write(transport, fd, b":tail")  # ...so this one queues behind it
        transport.write_eof()
        data = await received
        assert data == b"head:" + big + b":tail"
        transport.close()
        server.close()

    run(test)


def test_tls_transport_keeps_its_own_writes(run, tmp_path):
    async def test() -> None:
        ca = trustme.CA()
        server_ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ca.issue_cert("localhost").configure_cert(server_ctx)
        client_ctx = ssl.create_default_context()
        ca.configure_trust(client_ctx)
        server, client, received = await _pair(server_ctx, client_ctx)
        transport = client.transport
        fd = direct_write.socket_fd(transport)
        assert fd == -1
        direct_write.write(transport, fd, b"secret")
        await asyncio.sleep(0.05)
        transport.close()  # a TLS transport has no write_eof: close_notify ends the stream
        assert await received == b"secret"  # decrypted: nothing bypassed the TLS layer
        server.close()

    run(test)


def test_write_after_the_peer_reset_raises_nothing_and_the_loss_is_reported(run):
    async def test() -> None:
        listener = socket.socket()
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]
        _, client = await asyncio.get_running_loop().create_connection(Collect, "127.0.0.1", port)
        client.transport.pause_reading()  # only the write finds out about the reset
        accepted, _ = listener.accept()
        accepted.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
        accepted.close()  # linger 0: a reset
        listener.close()
        await asyncio.sleep(0.05)
        transport = client.transport
        fd = direct_write.socket_fd(transport)
        writes = 0
        while not transport.is_closing() and writes < 50:  # as callers do: not once it is closing
            direct_write.write(transport, fd, b"x" * 100)  # meets the reset: raises nothing
            writes += 1
            await asyncio.sleep(0.01)
        assert transport.is_closing() and writes >= 1
        await asyncio.wait_for(client.lost, 5)  # and the protocol hears of it

    run(test)


def test_a_write_after_close_never_reaches_a_socket_that_reused_the_number(run):
    """A late write on a closed connection must not go to the descriptor number it had: the
    kernel hands that number to the next socket, so a direct write would land on another
    connection. It goes to the closed transport instead, which refuses it its own way (uvloop
    raises, asyncio ignores it), exactly as a plain ``transport.write`` would."""
    async def test() -> None:
        server, client, received = await _pair()
        transport = client.transport
        fd = direct_write.socket_fd(transport)
        transport.close()
        await asyncio.wait_for(client.lost, 5)
        await received
        server.close()
        stranger_server, stranger, stranger_received = await _pair()
        assert stranger.transport.get_extra_info("socket").fileno() == fd  # the number is reused
        with contextlib.suppress(RuntimeError):
            direct_write.write(transport, fd, b"late answer")
        stranger.transport.write_eof()
        assert await stranger_received == b""  # nothing arrived on the stranger's connection
        stranger.transport.close()
        stranger_server.close()

    run(test)
