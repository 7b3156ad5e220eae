"""``HttpAlbIntegration``: requests spread round robin over an ALB listener's targets.

When every target refuses the connection the ALB answers, not API Gateway: an ALB whose targets
are all unhealthy fails open (``target-group-health-checks.md``: it "routes requests to all those
targets"), meets a TCP RST and answers 502 with its own page (``load-balancer-troubleshooting.md``,
"HTTP 502: Bad gateway"), which API Gateway relays.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pytest_apigw.spec import HttpAlbIntegration
from pytest_apigw_embedded.exchange.responses import GatewayResponse
from pytest_apigw_embedded.integrations import Integration
from pytest_apigw_embedded.integrations.upstream.balancer import RoundRobin
from pytest_apigw_embedded.integrations.upstream.private import private_integration

if TYPE_CHECKING:
    from pytest_apigw_embedded.services import Services


#: The ALB's own 502 page (``text/html``), as ALBs send it.
ALB_BAD_GATEWAY = (b"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
                   b"<center><h1>502 Bad Gateway</h1></center>\r\n</body>\r\n</html>\r\n")


def alb_bad_gateway() -> GatewayResponse:
    """What an ALB answers when it cannot connect to any target."""
    return GatewayResponse(502, [("content-type", "text/html"), ("server", "awselb/2.0")], ALB_BAD_GATEWAY)


def build(spec: HttpAlbIntegration, services: Services) -> Integration:
    """An ALB balances requests: each goes to the next healthy target of the listener."""
    listener = spec.listener
    return private_integration(spec, services, RoundRobin(), listener.endpoints,
                               f"ALB listener {listener.id!r}", all_refused=alb_bad_gateway)
