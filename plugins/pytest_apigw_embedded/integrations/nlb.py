"""``HttpNlbIntegration``: each client connection pinned to one of an NLB listener's targets."""

from __future__ import annotations

from typing import Any

from pytest_apigw.spec import HttpNlbIntegration
from pytest_apigw_embedded.integrations import Integration
from pytest_apigw_embedded.integrations.upstream.balancer import PerConnection
from pytest_apigw_embedded.integrations.upstream.private import private_integration


def build(spec: HttpNlbIntegration, services: Any) -> Integration:
    """An NLB balances TCP connections: the requests of one client connection (keep-alive) all
    reach the same target; new connections go round robin (a refusing target is skipped)."""
    listener = spec.listener
    return private_integration(spec, services, PerConnection(), listener.endpoints,
                               f"NLB listener {listener.id!r}")
