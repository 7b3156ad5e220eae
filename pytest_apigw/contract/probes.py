"""Probe integrations: they show the conformance suite what an integration received.

- :func:`echo_function` / :func:`reply_function`: Lambda functions whose handlers live in
  ``lambda_code/contract_probes.py`` (standard library only), given as ``"module.func"`` with
  ``code=`` that folder, so every backend (LocalStack, AWS) can ship them.
- :func:`ws_probe_function` / :func:`ws_authorizer_function`: the stateful WebSocket case's
  route probe (reports every event to an :class:`EventSink`) and ``$connect`` authorizer.
- :class:`EventSink`: a loopback HTTP server keeping the JSON bodies POSTed to it.
- :class:`EchoUpstream`: a loopback HTTP server answering every request with a JSON description
  of it (method, raw and decoded path, query, headers, body, and the ``server`` ``ip:port``
  that answered), for HTTP proxy and private integrations; it answers with the status a request
  asks for in ``x-echo-status`` (200 otherwise) and always sends the header ``x-up: up``; it
  waits the seconds a request asks for in ``x-echo-delay`` (at most 5) before answering.
"""

from __future__ import annotations

import base64
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from pytest_apigw.spec import Function

CODE_DIR = Path(__file__).parent / "lambda_code"
from pytest_apigw.contract.lambda_code.contract_probes import echo, reply, ws_echo  # noqa: E402

__all__ = [
    "CODE_DIR", "EchoUpstream", "EventSink", "counter_function", "cors_echo_function", "echo",
    "echo_function", "reply", "reply_function", "ws_authorizer_function", "ws_echo", "ws_echo_function",
    "ws_probe_function",
]


def echo_function(id: str = "ContractEcho") -> Function:  # noqa: A002
    """A :class:`~pytest_apigw.Function` returning its event as the JSON response body."""
    return Function(id, handler="contract_probes.echo", code=CODE_DIR)


def counter_function(id: str = "ContractCounter") -> Function:  # noqa: A002
    """A :class:`~pytest_apigw.Function` answering ``{"calls": n}``, the calls its module copy
    has answered (its memory between invocations)."""
    return Function(id, handler="contract_probes.count_calls", code=CODE_DIR)


def reply_function(id: str = "ContractReply") -> Function:  # noqa: A002
    """A :class:`~pytest_apigw.Function` returning the ``result`` of the request's JSON body."""
    return Function(id, handler="contract_probes.reply", code=CODE_DIR)


def ws_echo_function(id: str = "ContractWsEcho") -> Function:  # noqa: A002
    """A WebSocket route's :class:`~pytest_apigw.Function` answering ``{routeKey, body}``."""
    return Function(id, handler="contract_probes.ws_echo", code=CODE_DIR)


def ws_size_function(id: str = "ContractWsSize") -> Function:  # noqa: A002
    """A WebSocket route's :class:`~pytest_apigw.Function` answering ``{routeKey, size}`` (the
    message's size in bytes: big messages are not echoed back)."""
    return Function(id, handler="contract_probes.ws_size", code=CODE_DIR)


def cors_echo_function(id: str = "ContractCorsEcho") -> Function:  # noqa: A002
    """Like :func:`echo_function`, answering with CORS headers of its own (``https://evil.example``)."""
    return Function(id, handler="contract_probes.cors_echo", code=CODE_DIR)


def ws_probe_function(sink_url: str, id: str = "ContractWsProbe") -> Function:  # noqa: A002
    """A WebSocket route's :class:`~pytest_apigw.Function` reporting each event to ``sink_url``
    (an :class:`EventSink`) and answering with the event's summary."""
    return Function(id, handler="contract_probes.ws_probe", code=CODE_DIR,
                    environment={"CONTRACT_SINK": sink_url})


def ws_authorizer_function(id: str = "ContractWsAuthorizer") -> Function:  # noqa: A002
    """A ``$connect`` authorizer :class:`~pytest_apigw.Function`: Allow for ``Auth: allow``."""
    return Function(id, handler="contract_probes.ws_authorize", code=CODE_DIR)


class _SinkHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self) -> None:  # noqa: N802 - http.server's naming
        length = int(self.headers.get("content-length") or 0)
        body = self.rfile.read(length) if length else b""
        self.server.sink._add(json.loads(body or b"null"))  # type: ignore[attr-defined]
        self.send_response(204)
        self.send_header("content-length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - quiet
        pass


class EventSink:
    """A loopback HTTP server keeping every JSON body POSTed to it, in arrival order;
    ``with EventSink() as sink:`` then ``sink.url``, ``sink.wait_for(n)``, ``sink.events``."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self._server = ThreadingHTTPServer((host, 0), _SinkHandler)
        self._server.daemon_threads = True
        self._server.sink = self  # type: ignore[attr-defined]
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), name="event-sink",
                                        daemon=True)
        self._changed = threading.Condition()
        self.events: list[Any] = []

    @property
    def url(self) -> str:
        """Where probes POST their reports."""
        host, port = self._server.socket.getsockname()[:2]
        return f"http://{host}:{port}/events"

    def _add(self, event: Any) -> None:
        with self._changed:
            self.events.append(event)
            self._changed.notify_all()

    def wait_for(self, count: int, timeout: float = 10.0) -> list[Any]:
        """The events once at least ``count`` arrived (or all there are after ``timeout``)."""
        with self._changed:
            self._changed.wait_for(lambda: len(self.events) >= count, timeout)
            return list(self.events)

    def wait(self, condition: Any, timeout: float = 10.0) -> list[Any]:
        """The events once ``condition(events)`` holds (or all there are after ``timeout``)."""
        with self._changed:
            self._changed.wait_for(lambda: condition(self.events), timeout)
            return list(self.events)

    def start(self) -> EventSink:
        """Start serving in a daemon thread."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close the socket."""
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> EventSink:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


class _EchoHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # the head and the body are two writes: without TCP_NODELAY the body waits for the client's
    # delayed ACK (40 ms a request on a kept-alive connection)
    disable_nagle_algorithm = True

    def _answer(self) -> None:
        length = int(self.headers.get("content-length") or 0)
        body = self.rfile.read(length) if length else b""
        parts = urlsplit(self.path)
        described: dict[str, Any] = {
            "method": self.command,
            "server": "{}:{}".format(*self.connection.getsockname()[:2]),
            "raw_path": parts.path,
            "path": unquote(parts.path),
            "query": parts.query,
            "headers": [[k.lower(), v] for k, v in self.headers.items()],
            "body": body.decode("latin-1"),
            "body_base64": base64.b64encode(body).decode(),
        }
        data = json.dumps(described).encode()
        delay = self.headers.get("x-echo-delay", "")
        if delay:
            time.sleep(min(float(delay), 5.0))
        asked = self.headers.get("x-echo-status", "")
        try:
            self.send_response(int(asked) if asked.isdigit() and 200 <= int(asked) <= 599 else 200)
            self.send_header("content-type", "application/json")
            self.send_header("x-up", "up")
            self.send_header("content-length", str(len(data)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(data)
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            # the gateway gave up first (its integration timed out): expected, not a traceback
            # on the test's stderr
            self.close_connection = True

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = do_HEAD = _answer

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - quiet
        pass


class EchoUpstream:
    """A loopback HTTP server describing each request it gets; ``with EchoUpstream() as up:``
    then ``up.url`` (``http://127.0.0.1:PORT``)."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self._server = ThreadingHTTPServer((host, 0), _EchoHandler)
        self._server.daemon_threads = True
        # a short poll: ``shutdown`` waits for the serving loop to look (0.5 s by default)
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), name="echo-upstream",
                                        daemon=True)

    @property
    def url(self) -> str:
        """Base URL of the server."""
        host, port = self._server.socket.getsockname()[:2]
        return f"http://{host}:{port}"

    @property
    def address(self) -> tuple[str, int]:
        """``(ip, port)`` the server listens on (a load balancer target, a Cloud Map instance)."""
        host, port = self._server.socket.getsockname()[:2]
        return str(host), int(port)

    def start(self) -> EchoUpstream:
        """Start serving in a daemon thread."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close the socket."""
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> EchoUpstream:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
