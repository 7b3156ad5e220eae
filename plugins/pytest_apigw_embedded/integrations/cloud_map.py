"""``HttpServiceDiscoveryIntegration``: requests spread over a Cloud Map service's instances.

As ``DiscoverInstances`` with the integration URI's query as ``QueryParameters``: only instances
whose custom attributes hold every ``attribute_filters`` pair are used; requests go round robin
over the healthy ones (see ``upstream/balancer.py`` for the health rule).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pytest_apigw.spec import HttpServiceDiscoveryIntegration
from pytest_apigw.spec.network import targets_version
from pytest_apigw_embedded.integrations import Integration
from pytest_apigw_embedded.integrations.upstream.balancer import Endpoint, RoundRobin
from pytest_apigw_embedded.integrations.upstream.private import private_integration

if TYPE_CHECKING:
    from pytest_apigw_embedded.services import Services


def build(spec: HttpServiceDiscoveryIntegration, services: Services) -> Integration:
    """Instances are discovered per request, so registrations after the deploy count; the
    filtered list is worked out again only after instances changed (``targets_version``)."""
    service = spec.service
    filters = tuple(spec.attribute_filters.items())  # read at deploy
    cached: tuple[int, list[Endpoint]] = (-1, [])

    def discover() -> list[Endpoint]:
        nonlocal cached
        version, endpoints = cached
        now = targets_version()
        if version != now:  # read before the instances: a change meanwhile is seen next time
            endpoints = [(i.ipv4, i.port) for i in service.instances
                         if all(i.attributes.get(k) == v for k, v in filters)]
            cached = (now, endpoints)
        return endpoints

    return private_integration(spec, services, RoundRobin(), discover,
                               f"Cloud Map service {service.namespace.name}/{service.name}")
