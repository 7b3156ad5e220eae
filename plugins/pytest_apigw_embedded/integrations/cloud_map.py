"""``HttpServiceDiscoveryIntegration``: requests spread over a Cloud Map service's instances.

As ``DiscoverInstances`` with the integration URI's query as ``QueryParameters``: only instances
whose custom attributes hold every ``attribute_filters`` pair are used; requests go round robin
over the healthy ones (see ``upstream/balancer.py`` for the health rule).
"""

from __future__ import annotations

from typing import Any

from pytest_apigw.spec import HttpServiceDiscoveryIntegration
from pytest_apigw_embedded.integrations import Integration
from pytest_apigw_embedded.integrations.upstream.balancer import Endpoint, RoundRobin
from pytest_apigw_embedded.integrations.upstream.private import private_integration


def build(spec: HttpServiceDiscoveryIntegration, services: Any) -> Integration:
    """Instances are discovered per request, so registrations after the deploy count."""
    service = spec.service
    filters = spec.attribute_filters

    def discover() -> list[Endpoint]:
        return [
            (i.ipv4, i.port) for i in service.instances
            if all(i.attributes.get(k) == v for k, v in filters.items())
        ]

    return private_integration(spec, services, RoundRobin(), discover,
                               f"Cloud Map service {service.namespace.name}/{service.name}")
