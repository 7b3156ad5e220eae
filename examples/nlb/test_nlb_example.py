"""The seed's Network Load Balancer example: an NLB balances connections, so every request of
one client connection reaches the same target; new connections are spread.

Run it: ``pytest examples/nlb``.
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from pytest_apigw import HttpApi, HttpNlbIntegration, IpTarget, NetworkLoadBalancer, Vpc


def start_target(name: str):
    """One target answering its own name as plain text."""

    class Target(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            body = name.encode()
            self.send_response(200)
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Target)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    return server, thread


@pytest.fixture
def target_ports():
    """Two targets on loopback ports; shut down and joined at teardown."""
    started = [start_target(name) for name in ("blue", "green")]
    yield [server.server_port for server, _ in started]
    for server, thread in started:
        server.shutdown()
        server.server_close()
        thread.join(5)


def nlb_api(ports: list[int]) -> HttpApi:
    """The seed's snippet with an NLB."""
    vpc = Vpc("VPC")
    lb = NetworkLoadBalancer("lb", vpc=vpc)
    listener = lb.add_listener("listener", port=80)
    listener.add_targets("target", port=80, targets=[IpTarget("127.0.0.1", port) for port in ports])
    return HttpApi("HttpProxyPrivateApi", default_integration=HttpNlbIntegration(listener=listener))


def test_one_connection_one_target(apigw, target_ports):
    deployment = apigw.deploy(nlb_api(target_ports))
    with httpx.Client() as first, httpx.Client() as second:
        a = {first.get(f"{deployment.url}/ping").text for _ in range(4)}
        b = {second.get(f"{deployment.url}/ping").text for _ in range(4)}
    assert len(a) == len(b) == 1  # each keep-alive connection stays on its target
    assert a | b == {"blue", "green"}  # the two connections went to different targets
