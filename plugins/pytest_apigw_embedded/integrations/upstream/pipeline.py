"""The steps every HTTP integration shares: build the upstream request, map it, send, map back."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING, Any

from pytest_apigw_embedded.exchange.context import RequestContext
from pytest_apigw_embedded.exchange.request import GatewayRequest
from pytest_apigw_embedded.exchange.responses import GatewayResponse
from pytest_apigw_embedded.integrations.upstream.balancer import Endpoint, RoundRobin
from pytest_apigw_embedded.integrations.upstream.forward import REFUSED, forward
from pytest_apigw_embedded.integrations.upstream.mapping import apply_request, apply_response
from pytest_apigw_embedded.integrations.upstream.outgoing import outgoing

if TYPE_CHECKING:
    from pytest_apigw.spec.integrations import HttpPrivateIntegration, HttpProxyIntegration
    from pytest_apigw_embedded.services import Services


class Pipeline:
    """One HTTP integration's spec (method, mappings, timeout, TLS) applied to each request."""

    def __init__(self, spec: HttpProxyIntegration | HttpPrivateIntegration, services: Services,
                 balancer: RoundRobin | None = None,
                 all_refused: Callable[[], GatewayResponse] = REFUSED, *, label: str = "") -> None:
        self.spec = spec
        #: Put before the upstream request line in the invocation record (``"ALB listener 'L': "``).
        self.label = label
        self.services = services
        self.balancer = balancer
        self.all_refused = all_refused

    def send(
        self, request: GatewayRequest, ctx: RequestContext, *, path: str, query: str | None,
        endpoints: list[Endpoint], scheme: str, host: str | None,
    ) -> Coroutine[Any, Any, GatewayResponse]:
        """Send ``request`` to ``path`` (encoded) on one of ``endpoints``; ``query`` replaces
        the client's query string when not ``None``. The upstream request is built now; the
        coroutine returned sends it (no coroutine of its own around ``forward``'s)."""
        spec = self.spec
        out = outgoing(request, method=spec.method, path=path, host=host)
        if query is not None:
            out.query = query
        if spec.parameter_mapping:
            apply_request(spec.parameter_mapping, out, ctx)
        balancer = self.balancer
        responses_map = spec.response_parameter_mapping
        on_response = None
        if responses_map:
            def on_response(response: GatewayResponse) -> GatewayResponse:
                return apply_response(responses_map, response, ctx)

        if balancer is None:
            return forward(
                self.services, out, endpoints, record=ctx.invocation, timeout=spec.timeout,
                scheme=scheme, tls=spec.tls_config, on_response=on_response, label=self.label,
            )
        connection = (request.source_ip, request.source_port)
        return forward(
            self.services, out, balancer.candidates(endpoints, connection), record=ctx.invocation,
            timeout=spec.timeout, scheme=scheme, tls=spec.tls_config, on_down=balancer.health.mark_down,
            on_served=lambda endpoint: balancer.served(connection, endpoint), on_response=on_response,
            all_refused=self.all_refused, label=self.label,
        )
