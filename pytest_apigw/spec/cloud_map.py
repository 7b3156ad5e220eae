"""Cloud Map constructs: a private DNS namespace, its services and their IP instances."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from pytest_apigw.spec._base import Construct, string_map
from pytest_apigw.spec.network import Tracked, Vpc, changed_targets, valid_ipv4, valid_port

#: A DNS name: labels of letters, digits and '-', joined by dots.
_DNS_NAME_RE = re.compile(r"(?!-)[A-Za-z0-9-]{1,63}(?<!-)(\.(?!-)[A-Za-z0-9-]{1,63}(?<!-))*\.?\Z")


@dataclass(frozen=True)
class Instance:
    """A registered instance: ``AWS_INSTANCE_IPV4``/``AWS_INSTANCE_PORT`` plus custom attributes
    (to change them, deregister the instance and register it again, as ``RegisterInstance`` with
    the same id does on AWS: the embedded backend notes changes to ``Service.instances``, not to
    an instance's own attributes)."""

    id: str
    ipv4: str
    port: int
    attributes: dict[str, str] = field(default_factory=dict)


class Service(Construct):
    """A Cloud Map service; ``register_ip_instance`` adds instances to discover,
    ``deregister_instance`` takes one away (before or after a deploy)."""

    kind = "Service"

    def __init__(self, id: str, *, namespace: PrivateDnsNamespace, name: str | None = None) -> None:  # noqa: A002
        super().__init__(id)
        self.namespace = namespace
        self.name = name or id.lower()
        self.instances = []

    @property
    def instances(self) -> list[Instance]:
        """The registered instances (a list whose every change is noted: the embedded backend
        works out an integration's instances again only after one)."""
        return self._instances

    @instances.setter
    def instances(self, instances: Iterable[Instance]) -> None:
        self._instances: Tracked[Instance] = Tracked(instances)
        changed_targets()

    def register_ip_instance(
        self,
        id: str,  # noqa: A002
        *,
        ipv4: str,
        port: int,
        custom_attributes: dict[str, str] | None = None,
    ) -> Instance:
        """Register an instance at ``ipv4:port`` with optional ``custom_attributes``."""
        owner = f"{self.label} instance {id!r}"
        if any(i.id == id for i in self.instances):
            raise self.error(f"instance id {id!r} is already registered")
        instance = Instance(
            id, valid_ipv4(owner, ipv4), valid_port(owner, "port", port),
            string_map(owner, "custom_attributes", custom_attributes),
        )
        self.instances.append(instance)
        return instance

    def deregister_instance(self, id: str) -> Instance:  # noqa: A002
        """Deregister the instance ``id`` (``DeregisterInstance``): no request goes to it any
        more; the instance is returned (``SpecError`` for an unknown id)."""
        for instance in self.instances:
            if instance.id == id:
                self.instances.remove(instance)
                return instance
        raise self.error(f"no instance {id!r} is registered")


class PrivateDnsNamespace(Construct):
    """A Cloud Map private DNS namespace ``name`` in ``vpc``."""

    kind = "PrivateDnsNamespace"

    def __init__(self, id: str, *, name: str, vpc: Vpc) -> None:  # noqa: A002
        super().__init__(id)
        if not isinstance(name, str) or not _DNS_NAME_RE.match(name):
            raise self.error(f"name must be a DNS name (letters, digits, '-' and '.'), got {name!r}")
        if not isinstance(vpc, Vpc):
            raise self.error(f"vpc must be a Vpc, got {type(vpc).__name__} {vpc!r}")
        self.name = name
        self.vpc = vpc
        self.services: list[Service] = []

    def create_service(self, id: str, *, name: str | None = None) -> Service:  # noqa: A002
        """Create a service in this namespace."""
        service = Service(id, namespace=self, name=name)
        self.services.append(service)
        return service
