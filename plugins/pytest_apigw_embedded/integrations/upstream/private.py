"""What the private integrations (ALB, NLB, Cloud Map) share: the path rule and the hop's scheme.

``http-api-develop-integrations-private.md``: the request goes, through the VPC link, to a target
of the listener or an instance of the service, with the full request path: a named stage's
segment stays in it (``/dev/pets``), unless parameter mapping overwrites the path (e.g. with
``$request.path``, the path without the stage). The hop is plain HTTP unless the integration has
a ``tls_config`` (``secure_server_name``), then HTTPS verifying that name.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING, Any

from pytest_apigw_embedded.exchange.context import RequestContext
from pytest_apigw_embedded.exchange.request import GatewayRequest
from pytest_apigw_embedded.exchange.responses import GatewayResponse
from pytest_apigw_embedded.integrations import Integration
from pytest_apigw_embedded.integrations.upstream.balancer import Endpoint, RoundRobin
from pytest_apigw_embedded.integrations.upstream.forward import REFUSED
from pytest_apigw_embedded.integrations.upstream.pipeline import Pipeline

if TYPE_CHECKING:
    from pytest_apigw.spec.integrations import HttpPrivateIntegration
    from pytest_apigw_embedded.services import Services


def private_integration(
    spec: HttpPrivateIntegration, services: Services, balancer: RoundRobin,
    endpoints: Callable[[], list[Endpoint]], kind: str,
    all_refused: Callable[[], GatewayResponse] = REFUSED,
) -> Integration:
    """An integration that spreads requests over ``endpoints()`` (read per request, so targets
    or instances registered after the deploy are used, as on AWS; a listener's and a service's
    are cached until targets change, ``targets_version``; the list is only read, never changed);
    ``all_refused`` answers when every target refused the connection (the gateway's 503
    otherwise)."""
    pipeline = Pipeline(spec, services, balancer, all_refused, label=f"{kind}: ")
    scheme = "https" if spec.tls_config is not None else "http"

    def integrate(request: GatewayRequest, ctx: RequestContext) -> Coroutine[Any, Any, GatewayResponse]:
        return pipeline.send(
            request, ctx, path=request.raw_path, query=None, endpoints=endpoints(), scheme=scheme,
            host=None,
        )

    return integrate
