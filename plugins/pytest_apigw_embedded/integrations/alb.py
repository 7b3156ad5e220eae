"""``HttpAlbIntegration``: requests spread round robin over an ALB listener's targets."""

from __future__ import annotations

from typing import Any

from pytest_apigw.spec import HttpAlbIntegration
from pytest_apigw_embedded.integrations import Integration
from pytest_apigw_embedded.integrations.upstream.balancer import RoundRobin
from pytest_apigw_embedded.integrations.upstream.private import private_integration


def build(spec: HttpAlbIntegration, services: Any) -> Integration:
    """An ALB balances requests: each goes to the next healthy target of the listener."""
    listener = spec.listener
    return private_integration(spec, services, RoundRobin(), listener.endpoints,
                               f"ALB listener {listener.id!r}")
