"""The seed's Application Load Balancer example: a private integration spreading requests
round robin over the listener's targets, each a small ``http.server`` on 127.0.0.1.

Run it: ``pytest examples/alb``.
"""

from __future__ import annotations

import json
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from pytest_apigw import ApplicationLoadBalancer, HttpAlbIntegration, HttpApi, HttpStage, IpTarget, Vpc


def start_target(name: str):
    """One target: answers every GET with its name and the path it was sent."""

    class Target(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            body = json.dumps({"target": name, "path": self.path}).encode()
            self.send_response(200)
            self.send_header("content-type", "application/json")
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
    """Three targets on loopback ports; all shut down and joined at teardown."""
    started = [start_target(name) for name in ("t1", "t2", "t3")]
    yield [server.server_port for server, _ in started]
    for server, thread in started:
        server.shutdown()
        server.server_close()
        thread.join(5)


def alb_api(ports: list[int]) -> HttpApi:
    """The seed's snippet: VPC, ALB, listener on 80, targets; the ALB is the default integration."""
    vpc = Vpc("VPC")
    lb = ApplicationLoadBalancer("lb", vpc=vpc)
    listener = lb.add_listener("listener", port=80)
    listener.add_targets("target", port=80, targets=[IpTarget("127.0.0.1", port) for port in ports])
    api = HttpApi("HttpProxyPrivateApi", default_integration=HttpAlbIntegration(listener=listener))
    HttpStage("Prod", http_api=api, stage_name="prod")
    return api


def test_requests_are_spread_round_robin(apigw, target_ports):
    deployment = apigw.deploy(alb_api(target_ports))
    with httpx.Client() as client:
        served = Counter(client.get(f"{deployment.url}/orders").json()["target"] for _ in range(9))
    assert served == {"t1": 3, "t2": 3, "t3": 3}


def test_the_stage_segment_reaches_the_targets(apigw, target_ports):
    deployment = apigw.deploy(alb_api(target_ports))
    assert httpx.get(f"{deployment.url}/prod/orders/7").json()["path"] == "/prod/orders/7"
