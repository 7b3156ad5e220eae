"""The seed's Cloud Map example: a private integration to the instances of a service,
discovered per request, optionally filtered by instance attributes.

Run it: ``pytest examples/cloud_map``.
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from pytest_apigw import HttpApi, HttpServiceDiscoveryIntegration, PrivateDnsNamespace, Vpc, VpcLink


def start_instance(name: str):
    """One service instance answering its own name."""

    class Instance(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            body = name.encode()
            self.send_response(200)
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Instance)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    return server, thread


@pytest.fixture
def instance_ports():
    """``{"v1": port, "v2": port}``: two instances on loopback, stopped at teardown."""
    started = {name: start_instance(name) for name in ("v1", "v2")}
    yield {name: server.server_port for name, (server, _) in started.items()}
    for server, thread in started.values():
        server.shutdown()
        server.server_close()
        thread.join(5)


def cloud_map_api(ports: dict[str, int]) -> HttpApi:
    """The seed's snippet; two instances registered with a ``version`` attribute."""
    vpc = Vpc("VPC")
    vpc_link = VpcLink("VpcLink", vpc=vpc)
    namespace = PrivateDnsNamespace("Namespace", name="boobar.com", vpc=vpc)
    service = namespace.create_service("Service")
    for version, port in ports.items():
        service.register_ip_instance(version, ipv4="127.0.0.1", port=port,
                                     custom_attributes={"version": version})
    api = HttpApi("HttpProxyPrivateApi",
                  default_integration=HttpServiceDiscoveryIntegration(vpc_link=vpc_link, service=service))
    api.add_routes(path="/v2", integration=HttpServiceDiscoveryIntegration(
        vpc_link=vpc_link, service=service, attribute_filters={"version": "v2"}))
    return api


def test_requests_reach_every_instance(apigw, instance_ports):
    deployment = apigw.deploy(cloud_map_api(instance_ports))
    assert {httpx.get(f"{deployment.url}/anything").text for _ in range(4)} == {"v1", "v2"}


def test_attribute_filters_pick_instances(apigw, instance_ports):
    deployment = apigw.deploy(cloud_map_api(instance_ports))
    assert {httpx.get(f"{deployment.url}/v2").text for _ in range(4)} == {"v2"}
