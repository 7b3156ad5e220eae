"""The steps every HTTP integration shares: build the upstream request, map it, send, map back."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING, Any

from pytest_apigw_embedded.exchange.context import RequestContext
from pytest_apigw_embedded.exchange.request import GatewayRequest
from pytest_apigw_embedded.exchange.responses import GatewayResponse
from pytest_apigw_embedded.integrations.upstream.balancer import Endpoint, RoundRobin
from pytest_apigw_embedded.integrations.upstream.client import upstream_client
from pytest_apigw_embedded.integrations.upstream.forward import REFUSED, Hop, forward
from pytest_apigw_embedded.integrations.upstream.headers import request_fields, request_headers
from pytest_apigw_embedded.integrations.upstream.mapping import apply_request
from pytest_apigw_embedded.integrations.upstream.outgoing import Outgoing

if TYPE_CHECKING:
    from pytest_apigw.spec.integrations import HttpPrivateIntegration, HttpProxyIntegration
    from pytest_apigw_embedded.services import Services


class Pipeline:
    """One HTTP integration's spec (method, mappings, timeout, TLS) applied to each request;
    what does not change between requests is read from the spec once, here (at deploy)."""

    def __init__(self, spec: HttpProxyIntegration | HttpPrivateIntegration, services: Services,
                 balancer: RoundRobin | None = None,
                 all_refused: Callable[[], GatewayResponse] = REFUSED, *, label: str = "") -> None:
        self.spec = spec
        #: Put before the upstream request line in the invocation record (``"ALB listener 'L': "``).
        self.label = label
        self.services = services
        self.balancer = balancer
        self.all_refused = all_refused
        #: The upstream method, ``None`` for ``ANY`` (the client's).
        self.method = None if spec.method == "ANY" else spec.method
        self.request_mapping = spec.parameter_mapping or None
        self.hop = Hop(upstream_client(services), timeout=spec.timeout, tls=spec.tls_config,
                       balancer=balancer, all_refused=all_refused,
                       response_mapping=spec.response_parameter_mapping, label=label)

    def send(
        self, request: GatewayRequest, ctx: RequestContext, *, path: str, query: str | None,
        endpoints: list[Endpoint], scheme: str, host: str | None,
    ) -> Coroutine[Any, Any, GatewayResponse]:
        """Send ``request`` to ``path`` (encoded) on one of ``endpoints``; ``query`` replaces
        the client's query string when not ``None``; ``host`` is the ``Host`` header (``None``:
        the chosen target's ``ip:port``). The upstream request is built now; the coroutine
        returned sends it (no coroutine of its own around ``forward``'s)."""
        # The scheme and port the client used with the gateway (plain HTTP on loopback here;
        # AWS's endpoints are https/443).
        query = request.query_string if query is None else query
        mapping = self.request_mapping
        out = None
        if mapping is None:  # the usual case: the header lines rendered in one pass
            fields = request_fields(request.headers, host=host, source_ip=request.source_ip, proto="http",
                                    port=request.port)
            if fields is not None:
                out = Outgoing(self.method or request.method, path, query, [], request.body, fields)
        if out is None:
            out = Outgoing(self.method or request.method, path, query,
                           request_headers(request.headers, host=host, source_ip=request.source_ip,
                                           proto="http", port=request.port),
                           request.body)
            if mapping is not None:
                apply_request(mapping, out, ctx)
        balancer = self.balancer
        # one target and no pinning: nothing to choose (a round robin of one keeps it as it is)
        if balancer is not None and (len(endpoints) > 1 or balancer.pins_connections):
            endpoints = balancer.candidates(endpoints, (request.source_ip, request.source_port))
        return forward(self.services, out, endpoints, ctx=ctx, hop=self.hop, scheme=scheme)
