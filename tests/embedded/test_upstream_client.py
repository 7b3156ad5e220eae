"""The upstream HTTP client (``integrations/upstream/client.py``) against real loopback servers.

Each test runs its own event loop (asyncio and uvloop) with a small scripted asyncio server: it
reads each request (head and ``content-length`` body) and answers what the test's path names.
Nothing waits on timing except the timeout test (0.2 s against a server that never answers).
"""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
import trustme
import uvloop
from hypothesis import given, settings
from hypothesis import strategies as st
from pytest_apigw_embedded.integrations.upstream.client import (
    Broken,
    ConnectFailed,
    TlsFailed,
    UpstreamClient,
    encode_fields,
    encode_request,
)

OK = b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok"
ANSWERS: dict[str, tuple[bytes, bool]] = {  # path -> (bytes written, close afterwards)
    "/ok": (OK, False),
    "/chunked": (b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n"
                 b"5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n", False),
    "/until-close": (b"HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\n\r\nall of it", True),
    "/conn-close": (b"HTTP/1.1 200 OK\r\nconnection: close\r\ncontent-length: 3\r\n\r\nbye", False),
    "/head": (b"HTTP/1.1 200 OK\r\ncontent-length: 10\r\n\r\n", False),
    "/204": (b"HTTP/1.1 204 No Content\r\nx-a: 1\r\n\r\n", False),
    "/304": (b"HTTP/1.1 304 Not Modified\r\ncontent-length: 99\r\n\r\n", False),
    "/continue": (b"HTTP/1.1 100 Continue\r\n\r\n" + OK, False),
    "/partial": (b"HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\nonly part", True),
    "/garbage": (b"SSH-2.0-OpenSSH\r\n\r\n", False),
    "/nothing": (b"", True),
    "/extra": (OK + b"HTTP/1.1 junk\r\n", False),
    "/silent": (b"", False),
}


class Scripted:
    """A loopback server answering from :data:`ANSWERS`; counts connections, keeps requests."""

    def __init__(self) -> None:
        self.connections = 0
        self.requests: list[bytes] = []
        self.flaked = False
        self.writers: list[asyncio.StreamWriter] = []
        self.server: asyncio.Server | None = None
        self.port = 0

    async def start(self, ssl_context: ssl.SSLContext | None = None) -> Scripted:
        self.server = await asyncio.start_server(self._serve, "127.0.0.1", 0, ssl=ssl_context)
        self.port = self.server.sockets[0].getsockname()[1]
        return self

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        self.writers.append(writer)
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = next((int(line.split(b":")[1]) for line in head.split(b"\r\n")
                               if line.lower().startswith(b"content-length:")), 0)
                self.requests.append(head + await reader.readexactly(length))
                path = head.split(b" ")[1].decode()
                if path == "/flaky":  # the first time: closed without an answer, then "/ok"
                    path, self.flaked = ("/ok" if self.flaked else "/nothing"), True
                elif path == "/slow":  # "/ok" after 0.4 s
                    await asyncio.sleep(0.4)
                    path = "/ok"
                answer, close = ANSWERS[path]
                writer.write(answer)
                if close:
                    writer.close()
                    return
        except (asyncio.IncompleteReadError, ConnectionError):
            writer.close()

    async def drop_idle(self) -> None:
        """Close every connection from the server side (as an idle timeout would)."""
        for writer in self.writers:
            writer.close()
        await asyncio.sleep(0.01)

    def close(self) -> None:
        assert self.server is not None
        self.server.close()
        for writer in self.writers:
            writer.close()


@pytest.fixture(params=["asyncio", "uvloop"])
def run(request: Any) -> Callable[[Callable[..., Awaitable[Any]]], Any]:
    """Run ``test(client, server)`` on a fresh loop of the given kind, cleaning up after."""
    factory = uvloop.new_event_loop if request.param == "uvloop" else asyncio.new_event_loop

    def runner(test: Callable[..., Awaitable[Any]], ssl_context: ssl.SSLContext | None = None) -> Any:
        async def main() -> Any:
            server = await Scripted().start(ssl_context)
            client = UpstreamClient()
            try:
                return await asyncio.wait_for(test(client, server), 10)
            finally:
                await client.aclose()
                server.close()

        with asyncio.Runner(loop_factory=factory) as runner:
            return runner.run(main())

    return runner


def _get(client: UpstreamClient, server: Scripted, path: str, method: str = "GET", **kwargs: Any):
    kwargs.setdefault("timeout", 5)
    return client.request("127.0.0.1", server.port, method, path, [("host", "upstream")], b"", **kwargs)


def test_content_length_responses_reuse_one_connection(run):
    async def test(client, server):
        for _ in range(3):
            assert await _get(client, server, "/ok") == (200, [("content-length", "2")], b"ok")
        assert server.connections == 1

    run(test)


def test_chunked_response_is_reassembled_and_the_connection_reused(run):
    async def test(client, server):
        status, headers, body = await _get(client, server, "/chunked")
        assert (status, body) == (200, b"hello world")
        assert headers == [("transfer-encoding", "chunked")]
        assert (await _get(client, server, "/ok"))[2] == b"ok"
        assert server.connections == 1

    run(test)


def test_close_delimited_body_is_read_to_the_end_and_not_reused(run):
    async def test(client, server):
        assert await _get(client, server, "/until-close") == (
            200, [("content-type", "text/plain")], b"all of it")
        assert (await _get(client, server, "/ok"))[2] == b"ok"
        assert server.connections == 2

    run(test)


def test_connection_close_header_ends_reuse(run):
    async def test(client, server):
        assert (await _get(client, server, "/conn-close"))[2] == b"bye"
        assert (await _get(client, server, "/ok"))[2] == b"ok"
        assert server.connections == 2

    run(test)


def test_head_204_304_and_100_continue_have_no_body_and_keep_the_connection(run):
    async def test(client, server):
        assert await _get(client, server, "/head", "HEAD") == (200, [("content-length", "10")], b"")
        assert await _get(client, server, "/204") == (204, [("x-a", "1")], b"")
        assert (await _get(client, server, "/304"))[::2] == (304, b"")
        assert (await _get(client, server, "/continue"))[::2] == (200, b"ok")
        assert (await _get(client, server, "/ok"))[2] == b"ok"
        assert server.connections == 1

    run(test)


def test_faults_do_not_poison_the_pool(run):
    async def test(client, server):
        assert (await _get(client, server, "/ok"))[2] == b"ok"
        with pytest.raises(Broken, match="mid-response"):
            await _get(client, server, "/partial")
        with pytest.raises(Broken, match="not an HTTP response"):
            await _get(client, server, "/garbage")
        with pytest.raises(Broken, match="before a response"):
            await _get(client, server, "/nothing")
        assert (await _get(client, server, "/ok"))[2] == b"ok"
        assert (await _get(client, server, "/ok"))[2] == b"ok"
        assert server.connections == 4  # one per fault; the last two requests share one

    run(test)


def test_bytes_after_a_complete_response_end_reuse(run):
    async def test(client, server):
        assert (await _get(client, server, "/extra"))[2] == b"ok"
        assert (await _get(client, server, "/ok"))[2] == b"ok"
        assert server.connections == 2

    run(test)


def test_timeout_drops_the_connection_and_the_next_request_works(run):
    async def test(client, server):
        started = asyncio.get_running_loop().time()
        with pytest.raises(TimeoutError):
            await _get(client, server, "/silent", timeout=0.2)
        assert asyncio.get_running_loop().time() - started < 2
        assert (await _get(client, server, "/ok"))[2] == b"ok"
        assert server.connections == 2
        with pytest.raises(TimeoutError):
            await _get(client, server, "/ok", timeout=0)

    run(test)


def test_each_exchange_on_a_reused_connection_has_its_own_deadline(run):
    async def test(client, server):
        loop = asyncio.get_running_loop()
        # A short deadline met, then a longer one on the same connection: the first deadline
        # passing (the connection's timer firing) does not cut the second exchange short.
        assert (await _get(client, server, "/ok", timeout=0.2))[2] == b"ok"
        assert (await _get(client, server, "/slow", timeout=3))[2] == b"ok"
        assert server.connections == 1
        # A long deadline, then a shorter one on the same connection: the shorter one counts.
        assert (await _get(client, server, "/ok", timeout=30))[2] == b"ok"
        started = loop.time()
        with pytest.raises(TimeoutError):
            await _get(client, server, "/silent", timeout=0.2)
        assert loop.time() - started < 2
        assert server.connections == 1  # the silent one is dropped: the next is a new connection
        assert (await _get(client, server, "/ok"))[2] == b"ok"
        assert server.connections == 2

    run(test)


def test_idle_connection_closed_by_the_server_is_replaced_transparently(run):
    async def test(client, server):
        assert (await _get(client, server, "/ok"))[2] == b"ok"
        await server.drop_idle()
        assert (await _get(client, server, "/ok"))[2] == b"ok"
        assert server.connections == 2

    run(test)


def test_reused_connection_closed_before_answering_is_retried_once_on_a_new_one(run):
    async def test(client, server):
        assert (await _get(client, server, "/ok"))[2] == b"ok"
        assert (await _get(client, server, "/flaky"))[2] == b"ok"
        assert server.connections == 2
        assert [r.split(b" ")[1] for r in server.requests] == [b"/ok", b"/flaky", b"/flaky"]

    run(test)


def test_refused_connection():
    async def test():
        probe = await asyncio.start_server(lambda r, w: None, "127.0.0.1", 0)
        port = probe.sockets[0].getsockname()[1]
        probe.close()
        await probe.wait_closed()
        with pytest.raises(ConnectFailed):
            await UpstreamClient().request("127.0.0.1", port, "GET", "/", [], b"", timeout=5)

    asyncio.run(test())


def test_tls_verifies_the_server_name(run):
    ca = trustme.CA()
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("upstream.internal").configure_cert(server_context)

    async def test(client, server):
        context = client.ssl_context(ca.cert_pem.bytes().decode())
        ok = await _get(client, server, "/ok", tls=context, server_hostname="upstream.internal")
        assert ok[2] == b"ok"
        with pytest.raises(TlsFailed):
            await _get(client, server, "/ok", tls=context, server_hostname="other.internal")
        with pytest.raises(TlsFailed):
            await _get(client, server, "/ok", tls=client.ssl_context(None))

    run(test, server_context)


def test_request_encoding():
    assert encode_request("GET", "/a?b=1", [("host", "h")], b"") == b"GET /a?b=1 HTTP/1.1\r\nhost: h\r\n\r\n"
    assert encode_request("POST", "/", [], b"") == b"POST / HTTP/1.1\r\ncontent-length: 0\r\n\r\n"
    assert encode_request("PUT", "/", [("x", "é")], b"{}").endswith(b"x: \xe9\r\ncontent-length: 2\r\n\r\n{}")
    with pytest.raises(ValueError):
        encode_request("GET", "/", [("x", "a\r\nevil: 1")], b"")


async def _eagerly(client: UpstreamClient, server: Scripted, path: str, **kwargs: Any) -> tuple[Any, bool]:
    """``_get`` run as the gateway runs a request (``server/eager.py``, from a loop callback):
    ``(response or the exception, whether a Task had to carry it)``."""
    from pytest_apigw_embedded.server import eager

    loop = asyncio.get_running_loop()
    outcome: asyncio.Future[Any] = loop.create_future()
    carried: list[bool] = []

    def begin() -> None:
        task = eager.start(_get(client, server, path, **kwargs), outcome.set_result, outcome.set_result)
        carried.append(task is not None)

    loop.call_soon(begin)
    return await outcome, carried[0]


def test_a_pooled_exchange_is_stepped_on_from_the_read_callback_without_a_task(run):
    async def test(client, server):
        first, carried = await _eagerly(client, server, "/ok")  # connecting: a Task opens it
        assert first == (200, [("content-length", "2")], b"ok")
        for path, answer in (("/ok", b"ok"), ("/chunked", b"hello world"), ("/ok", b"ok")):
            response, carried = await _eagerly(client, server, path)
            assert response[2] == answer
            assert not carried  # the Waiter resumed the coroutine itself: no Task
        assert server.connections == 1

    run(test)


def test_faults_reach_a_coroutine_stepped_without_a_task(run):
    async def test(client, server):
        assert (await _eagerly(client, server, "/ok"))[0][2] == b"ok"
        retried, _ = await _eagerly(client, server, "/flaky")  # reused, closed unanswered: once more
        assert retried[2] == b"ok" and server.connections == 2
        partial, carried = await _eagerly(client, server, "/partial")
        assert isinstance(partial, Broken) and "mid-response" in str(partial) and not carried
        (garbage, _), (silent, _) = await _eagerly(client, server, "/garbage"), \
            await _eagerly(client, server, "/silent", timeout=0.2)
        assert isinstance(garbage, Broken) and isinstance(silent, TimeoutError)
        assert (await _eagerly(client, server, "/ok"))[0][2] == b"ok"  # the pool still works

    run(test)


_NAMES = st.sampled_from(["host", "accept", "content-length", "te", "x-forwarded-port", "x-forwarded-proto",
                          "user-agent", "x-forwarded-host", "transfer-encoding", "cookie", "upgrade"])
_VALUES = st.text(st.characters(min_codepoint=32, max_codepoint=255, blacklist_characters="\x7f"),
                  max_size=12)


@settings(max_examples=200, deadline=None)
@given(headers=st.lists(st.tuples(_NAMES, _VALUES), max_size=8), host=st.none() | st.just("example.com"),
       method=st.sampled_from(["GET", "POST", "HEAD"]), body=st.sampled_from([b"", b"{}"]))
def test_the_one_pass_request_lines_are_the_general_rules_byte_for_byte(headers, host, method, body):
    from pytest_apigw_embedded.integrations.upstream import headers as rules
    from pytest_apigw_embedded.integrations.upstream.forward import _with_host
    from pytest_apigw_embedded.integrations.upstream.outgoing import Outgoing

    current = ["Root=1-00000000-000000000000000000000000"]
    trace, rules.trace_id = rules.trace_id, lambda: current[0]
    try:
        args = {"host": host, "source_ip": "10.0.0.9", "proto": "http", "port": 8080}
        # twice: rendered, then from the shape cache (with another trace id)
        fields, general = rules.request_fields(headers, **args), rules.request_headers(headers, **args)
        current[0] = "Root=1-00000001-000000000000000000000001"
        cached, again = rules.request_fields(list(headers), **args), rules.request_headers(headers, **args)
    finally:
        rules.trace_id = trace
    assert fields is not None and cached is not None  # none of the headers that need the general rules
    assert encode_fields(method, "/p?q=1", *fields, body) == encode_request(method, "/p?q=1", general, body)
    assert encode_fields(method, "/p?q=1", *cached, body) == encode_request(method, "/p?q=1", again, body)
    # a private integration's host (the chosen target) goes last, as the general rules put it
    fast = Outgoing(method, "/p", "", [], body, fields)
    slow = Outgoing(method, "/p", "", general, body)
    target = "10.1.1.1:80"
    assert _with_host(fast, method, "/p", target, body) == _with_host(slow, method, "/p", target, body)


@pytest.mark.parametrize("name", ["connection", "x-forwarded-for", "x-amzn-trace-id"])
def test_headers_with_rules_of_their_own_take_the_general_path(name):
    from pytest_apigw_embedded.integrations.upstream.headers import request_fields

    assert request_fields([("accept", "*/*"), (name, "x")], host=None, source_ip="1.2.3.4", proto="http",
                          port=80) is None
