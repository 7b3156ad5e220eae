"""Send an :class:`Outgoing` request to one of its targets and relay the answer.

Faults and what the client gets (AWS documents none of these codes for HTTP APIs; each is the
answer public reports show, one line each to change):

- every target refuses the connection (or none exists): 503 ``{"message":"Service Unavailable"}``
  (an integration may answer its own way when every target refused: ``all_refused``, e.g. an
  ALB's 502);
- no answer within the integration timeout (≤ 30 s, ``timeout=`` on the integration):
  504 ``{"message":"Gateway Timeout"}``;
- the upstream closes the connection before a whole response, resets it, or answers something
  that is not HTTP: 502 ``{"message":"Bad Gateway"}``;
- the TLS handshake fails (untrusted certificate, wrong name): 500
  ``{"message":"Internal Server Error"}``, as API Gateway answers configuration errors.

Each attempt has its own deadline: the remainder of the integration timeout; nothing waits longer
and every connection goes back to (or is closed by) the pooled client.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from operator import itemgetter
from typing import TYPE_CHECKING

from pytest_apigw_embedded.exchange import responses
from pytest_apigw_embedded.exchange.responses import GatewayResponse
from pytest_apigw_embedded.integrations.upstream.balancer import Endpoint, RoundRobin
from pytest_apigw_embedded.integrations.upstream.client import (
    Broken,
    ConnectFailed,
    TlsFailed,
    UpstreamClient,
    encode_fields,
    encode_request,
)
from pytest_apigw_embedded.integrations.upstream.headers import response_headers
from pytest_apigw_embedded.integrations.upstream.mapping import apply_response
from pytest_apigw_embedded.integrations.upstream.outgoing import Outgoing

if TYPE_CHECKING:
    from pytest_apigw.spec.integrations.tls import TlsConfig
    from pytest_apigw_embedded.exchange.context import RequestContext
    from pytest_apigw_embedded.services import Services

REFUSED = responses.service_unavailable
TIMED_OUT = responses.gateway_timeout
BROKEN = responses.bad_gateway
TLS_FAILED = responses.internal_error
_NAME = itemgetter(0)


class Hop:
    """What every request of one integration shares on its way upstream, worked out at deploy:
    the backend's client, the timeout, TLS, the balancer, the answer when every target refuses,
    the response mapping and the label of the invocation record (``"ALB listener 'L': "``)."""

    __slots__ = ("client", "timeout", "tls", "balancer", "all_refused", "response_mapping", "label")

    def __init__(self, client: UpstreamClient, *, timeout: float, tls: TlsConfig | None = None,
                 balancer: RoundRobin | None = None, all_refused: Callable[[], GatewayResponse] = REFUSED,
                 response_mapping: dict[int, dict[str, str]] | None = None, label: str = "") -> None:
        self.client = client
        self.timeout = timeout
        self.tls = tls
        self.balancer = balancer
        self.all_refused = all_refused
        self.response_mapping = response_mapping or None
        self.label = label


def _with_host(out: Outgoing, method: str, target: str, host: str, body: bytes) -> bytes:
    """``out`` encoded with a ``host`` header for the chosen target (``ip:port``) last."""
    if out.fields is not None:
        return encode_fields(method, target, f"{out.fields[0]}host: {host}\r\n", out.fields[1] + 1, body)
    return encode_request(method, target, [*out.headers, ("host", host)], body)


async def forward(
    services: Services, out: Outgoing, endpoints: list[Endpoint], *, ctx: RequestContext, hop: Hop,
    scheme: str = "http",
) -> GatewayResponse:
    """Try ``endpoints`` in order until one accepts; its response (through the response mapping
    for its status, if any), or the fault's answer. The invocation record notes the request
    sent (the hop's label first). One coroutine down to the connection: the client's
    :class:`~pytest_apigw_embedded.integrations.upstream.client.Waiter` is awaited here."""
    record = ctx.invocation
    if not endpoints:
        record.error = "no target to send to (no registered targets or instances)"
        return REFUSED()
    client = hop.client
    tls = hop.tls
    context = client.ssl_context(tls.ca_pem if tls else None) if scheme == "https" else None
    server_name = tls.server_name_to_verify if tls else None
    timeout = hop.timeout
    deadline = time.monotonic() + timeout
    method, target, body = out.method, out.target, out.body
    head = method == "HEAD"
    fields = out.fields
    if fields is not None:  # rendered already: the target's host is added unless there is one
        has_host = "\nhost: " in fields[0] or fields[0].startswith("host: ")
        data = encode_fields(method, target, fields[0], fields[1], body) if has_host else b""
    else:
        has_host = "host" in map(_NAME, out.headers)  # no Python frame per header
        data = encode_request(method, target, out.headers, body) if has_host else b""
    refused: list[str] = []
    for endpoint in endpoints:
        host = f"{endpoint[0]}:{endpoint[1]}"
        record.integration = f"{hop.label}{method} {scheme}://{host}{target}"
        try:
            waiter = client.send(
                (endpoint[0], endpoint[1], context, server_name),
                data or _with_host(out, method, target, host, body), head=head,
                timeout=deadline - time.monotonic() if refused else timeout,
            )
            status, raw, answer = await waiter
        except ConnectFailed as exc:
            refused.append(f"{host} ({exc})")
            if hop.balancer is not None:
                hop.balancer.health.mark_down(endpoint)
            continue
        except TimeoutError:
            record.error = f"upstream {host} did not answer within {timeout:g} s"
            return TIMED_OUT()
        except TlsFailed as exc:
            record.error = f"TLS to {host} failed: {exc}"
            return TLS_FAILED()
        except (Broken, OSError) as exc:
            record.error = f"upstream {host} broke the exchange: {type(exc).__name__}: {exc}"
            return BROKEN()
        balancer = hop.balancer
        if balancer is not None and (balancer.pins_connections or balancer.health.down):
            balancer.served((ctx.request.source_ip, ctx.request.source_port), endpoint)
        response = GatewayResponse(status, response_headers(raw), answer)
        if hop.response_mapping is not None:
            return apply_response(hop.response_mapping, response, ctx)
        return response
    record.error = "every target refused the connection: " + "; ".join(refused)
    return hop.all_refused()
