"""``GatewayRequest`` is the lean server's ``WireRequest`` subclass (``HttpGateway.request_type``):
the server makes it, the gateway completes it; built from an ASGI scope or a plain WireRequest it
must come out the same."""

from __future__ import annotations

from pytest_apigw_embedded.exchange.request import GatewayRequest
from pytest_apigw_embedded.gateway.http_app import HttpGateway
from pytest_apigw_embedded.server.wire import WireRequest


def test_gateway_request_starts_as_a_wire_request():
    """A ``GatewayRequest`` (what the server makes each request as) starts with WireRequest's
    fields and defaults, plus its own."""
    wire, request = WireRequest(("10.0.0.1", 4321), 8080), GatewayRequest(("10.0.0.1", 4321), 8080)
    for name in WireRequest.__slots__:
        assert getattr(request, name) == getattr(wire, name), name
    assert (request.source_ip, request.source_port, request.port) == ("10.0.0.1", 4321, 8080)
    assert HttpGateway.request_type is GatewayRequest


def test_the_three_ways_of_building_a_request_agree():
    wire = WireRequest(("10.0.0.1", 4321), 8080)
    wire.method, wire.raw_path, wire.query_string = "POST", "/a%20b/c", "x=1"
    wire.headers, wire.header_names, wire.body = [("host", "h"), ("x-a", "1")], ["Host", "X-A"], b"{}"
    wire.http_version = "1.0"
    made = GatewayRequest(("10.0.0.1", 4321), 8080)
    for name in WireRequest.__slots__:
        setattr(made, name, getattr(wire, name))
    scope = {"type": "http", "method": "POST", "path": "/a b/c", "raw_path": b"/a%20b/c",
             "query_string": b"x=1", "headers": [(b"host", b"h"), (b"x-a", b"1")],
             "client": ("10.0.0.1", 4321),
             "server": ("127.0.0.1", 8080), "http_version": "1.0"}
    built = [made.complete(), GatewayRequest.from_wire(wire), GatewayRequest.from_scope(scope, b"{}")]
    fields = ("method", "raw_path", "path", "query_string", "headers", "body", "source_ip", "protocol",
              "port", "source_port", "stage_path", "line")
    first = {name: getattr(built[0], name) for name in fields}
    assert first["path"] == "/a b/c" and first["protocol"] == "HTTP/1.0"
    for other in built[1:]:
        assert {name: getattr(other, name) for name in fields} == first
    assert len({request.request_id for request in built}) == 3
    too_big = WireRequest(("10.0.0.1", 1), 1)
    too_big.too_large, too_big.body = True, b"dropped"
    assert GatewayRequest.from_wire(too_big).body == b""
    assert "POST /a%20b/c?x=1" in repr(built[0])
