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
from pytest_apigw_embedded.integrations.upstream.balancer import Endpoint
from pytest_apigw_embedded.integrations.upstream.client import (
    Broken,
    ConnectFailed,
    TlsFailed,
    upstream_client,
)
from pytest_apigw_embedded.integrations.upstream.headers import response_headers
from pytest_apigw_embedded.integrations.upstream.outgoing import Outgoing

if TYPE_CHECKING:
    from pytest_apigw.invocations import Invocation
    from pytest_apigw.spec.integrations.tls import TlsConfig
    from pytest_apigw_embedded.services import Services

REFUSED = responses.service_unavailable
TIMED_OUT = responses.gateway_timeout
BROKEN = responses.bad_gateway
TLS_FAILED = responses.internal_error
_NAME = itemgetter(0)


async def forward(
    services: Services, out: Outgoing, endpoints: list[Endpoint], *, record: Invocation, timeout: float,
    scheme: str = "http", tls: TlsConfig | None = None, on_down: Callable[[Endpoint], None] | None = None,
    on_served: Callable[[Endpoint], None] | None = None,
    on_response: Callable[[GatewayResponse], GatewayResponse] | None = None,
    all_refused: Callable[[], GatewayResponse] = REFUSED, label: str = "",
) -> GatewayResponse:
    """Try ``endpoints`` in order until one accepts; its response (through ``on_response``,
    e.g. response parameter mapping), or the fault's answer. The invocation record notes the
    request sent (``label`` first)."""
    if not endpoints:
        record.error = "no target to send to (no registered targets or instances)"
        return REFUSED()
    client = upstream_client(services)
    context = client.ssl_context(tls.ca_pem if tls else None) if scheme == "https" else None
    server_name = tls.server_name_to_verify if tls else None
    deadline = time.monotonic() + timeout
    has_host = "host" in map(_NAME, out.headers)  # no Python frame per header
    target = out.target
    refused: list[str] = []
    for endpoint in endpoints:
        host = f"{endpoint[0]}:{endpoint[1]}"
        headers = out.headers if has_host else [*out.headers, ("host", host)]
        record.integration = f"{label}{out.method} {scheme}://{host}{target}"
        try:
            status, raw, body = await client.request(
                endpoint[0], endpoint[1], out.method, target, headers, out.body,
                timeout=deadline - time.monotonic() if refused else timeout, tls=context,
                server_hostname=server_name,
            )
        except ConnectFailed as exc:
            refused.append(f"{host} ({exc})")
            if on_down is not None:
                on_down(endpoint)
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
        if on_served is not None:
            on_served(endpoint)
        response = GatewayResponse(status, response_headers(raw), body)
        return on_response(response) if on_response is not None else response
    record.error = "every target refused the connection: " + "; ".join(refused)
    return all_refused()
