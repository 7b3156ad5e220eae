"""What the examples share: small HTTP targets on loopback, standing in for private services."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


def _target(name: str) -> type[BaseHTTPRequestHandler]:
    class Target(BaseHTTPRequestHandler):
        """Answers every GET with ``{"target": name, "path": path}``."""

        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            body = json.dumps({"target": name, "path": self.path}).encode()
            self.send_response(200)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:  # keep test output quiet
            pass

    return Target


@pytest.fixture
def loopback_targets() -> Iterator[Callable[..., dict[str, int]]]:
    """``loopback_targets("blue", "green")`` starts one HTTP target per name on a free
    127.0.0.1 port and returns ``{name: port}``; each answers GET with JSON naming itself and
    the path it was sent. Every target is shut down and joined at teardown."""
    started: list[tuple[ThreadingHTTPServer, threading.Thread]] = []

    def start(*names: str) -> dict[str, int]:
        ports = {}
        for name in names:
            server = ThreadingHTTPServer(("127.0.0.1", 0), _target(name))
            thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
            thread.start()
            started.append((server, thread))
            ports[name] = server.server_port
        return ports

    yield start
    for server, thread in started:
        server.shutdown()
        server.server_close()
        thread.join(5)
