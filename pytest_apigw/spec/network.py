"""VPC, VPC link, and Elastic Load Balancing constructs (ALB / NLB, listeners, IP targets)."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, ClassVar, SupportsIndex, TypeVar

from pytest_apigw.errors import SpecError
from pytest_apigw.spec._base import Construct, expect_items, expect_text

T = TypeVar("T")

#: Bumped by every change to any listener's target groups or targets, or to a Cloud Map
#: service's instances (``Tracked`` lists, a group's ``port``): a listener's
#: :meth:`Listener.endpoints` (and the embedded backend's view of a service's instances) is
#: worked out again only then.
_version = 0


def targets_version() -> int:
    """The count of changes to targets so far (any listener or service): equal counts, same
    endpoints."""
    return _version


def changed_targets() -> None:
    """Note a change to targets or instances (what a :class:`Tracked` list does on each change;
    call it when replacing one)."""
    global _version
    _version += 1


class Tracked(list[T]):
    """A list that notes each change (:func:`targets_version`): ``TargetGroup.targets``,
    ``Listener.target_groups`` and ``Service.instances``, so targets registered after a deploy
    are seen, as on AWS, without a listener's endpoints being rebuilt for every request."""

    def append(self, item: T) -> None:
        super().append(item)
        changed_targets()

    def extend(self, items: Iterable[T]) -> None:
        super().extend(items)
        changed_targets()

    def insert(self, index: SupportsIndex, item: T) -> None:
        super().insert(index, item)
        changed_targets()

    def remove(self, item: T) -> None:
        super().remove(item)
        changed_targets()

    def pop(self, index: SupportsIndex = -1) -> T:
        item = super().pop(index)
        changed_targets()
        return item

    def clear(self) -> None:
        super().clear()
        changed_targets()

    def sort(self, *args: Any, **kwargs: Any) -> None:
        super().sort(*args, **kwargs)
        changed_targets()

    def reverse(self) -> None:
        super().reverse()
        changed_targets()

    def __setitem__(self, index: Any, value: Any) -> None:
        super().__setitem__(index, value)
        changed_targets()

    def __delitem__(self, index: Any) -> None:
        super().__delitem__(index)
        changed_targets()

    def __iadd__(self, items: Iterable[T]) -> Tracked[T]:  # type: ignore[override,misc]
        super().__iadd__(items)
        changed_targets()
        return self

    def __imul__(self, count: SupportsIndex) -> Tracked[T]:
        super().__imul__(count)
        changed_targets()
        return self


def valid_port(owner: str, name: str, port: object) -> int:
    """Validate a TCP port number (1-65535)."""
    if isinstance(port, bool) or not isinstance(port, int) or not 1 <= port <= 65535:
        raise SpecError(owner, f"{name} must be an int from 1 to 65535, got {port!r}")
    return port


def valid_ipv4(owner: str, ip: object) -> str:
    """Validate an IPv4 address string."""
    try:
        return str(ipaddress.IPv4Address(ip))
    except (ipaddress.AddressValueError, ValueError, TypeError):
        raise SpecError(owner, f"{ip!r} is not an IPv4 address") from None


class Vpc(Construct):
    """A VPC. Only its identity matters to the emulator; backends with AWS APIs create one."""

    kind = "Vpc"

    def __init__(self, id: str, *, cidr: str = "10.0.0.0/16") -> None:  # noqa: A002
        super().__init__(id)
        self.cidr = cidr


class VpcLink(Construct):
    """A VPC link (HTTP APIs): how API Gateway reaches private resources of ``vpc``."""

    kind = "VpcLink"

    def __init__(self, id: str, *, vpc: Vpc, vpc_link_name: str | None = None) -> None:  # noqa: A002
        super().__init__(id)
        if not isinstance(vpc, Vpc):
            raise self.error(f"vpc must be a Vpc, got {type(vpc).__name__} {vpc!r}")
        self.vpc = vpc
        self.vpc_link_name = expect_text(self.label, "vpc_link_name", vpc_link_name, max_length=128) or id


@dataclass(frozen=True)
class IpTarget:
    """A load balancer target by IP address and port (``elbv2-targets.IpTarget``)."""

    ip: str
    port: int | None = None

    def __post_init__(self) -> None:
        valid_ipv4("IpTarget", self.ip)
        if self.port is not None:
            valid_port("IpTarget", "port", self.port)


class TargetGroup(Construct):
    """Targets behind a listener; ``port`` is the default port of targets that name none."""

    kind = "TargetGroup"

    def __init__(self, id: str, *, port: int, targets: list[IpTarget], protocol: str) -> None:  # noqa: A002
        super().__init__(id)
        self.port = valid_port(self.label, "port", port)
        self.protocol = protocol
        for target in expect_items(self.label, "targets", targets):
            if not isinstance(target, IpTarget):
                raise self.error(f"targets must be IpTarget(ip, port), got {target!r}")
        self.targets = list(targets)

    @property
    def port(self) -> int:
        """The default port of targets that name none."""
        return self._port

    @port.setter
    def port(self, port: int) -> None:
        self._port = port
        changed_targets()

    @property
    def targets(self) -> list[IpTarget]:
        """The group's targets (a list: appending to it registers a target)."""
        return self._targets

    @targets.setter
    def targets(self, targets: Iterable[IpTarget]) -> None:
        self._targets: Tracked[IpTarget] = Tracked(targets)
        changed_targets()

    def endpoints(self) -> list[tuple[str, int]]:
        """Every ``(ip, port)`` this group sends to."""
        return [(t.ip, t.port or self.port) for t in self.targets]


class Listener(Construct):
    """A load balancer listener; ``load_balancer`` is ``None`` for an imported one."""

    kind = "Listener"
    protocols: ClassVar[tuple[str, ...]] = ()

    def __init__(self, id: str, *, port: int, load_balancer: LoadBalancer | None, protocol: str | None = None) -> None:  # noqa: A002,E501
        super().__init__(id)
        self.port = valid_port(self.label, "port", port)
        self.load_balancer = load_balancer
        self.protocol = protocol or self.protocols[0]
        if self.protocol not in self.protocols:
            raise self.error(f"protocol {self.protocol!r} is not one of {', '.join(self.protocols)}")
        self.target_groups = []
        #: ``(targets_version(), endpoints)`` when last worked out.
        self._endpoints: tuple[int, list[tuple[str, int]]] = (-1, [])
        #: The ARN of an imported listener (``from_listener_attributes``); empty otherwise.
        self.listener_arn = ""

    @property
    def imported(self) -> bool:
        """True when made with ``from_listener_attributes`` (no known load balancer or VPC)."""
        return self.load_balancer is None

    @property
    def vpc(self) -> Vpc | None:
        """The VPC of the listener's load balancer, when known."""
        return self.load_balancer.vpc if self.load_balancer else None

    def add_targets(self, id: str, *, port: int | None = None, targets: list[IpTarget] | None = None) -> TargetGroup:  # noqa: A002,E501
        """Add a target group of ``targets`` (``IpTarget``) listening on ``port``."""
        group = TargetGroup(id, port=port or self.port, targets=targets or [], protocol=self.protocol)
        self.target_groups.append(group)
        return group

    @property
    def target_groups(self) -> list[TargetGroup]:
        """The listener's target groups (a list: appending to it adds a group)."""
        return self._target_groups

    @target_groups.setter
    def target_groups(self, groups: Iterable[TargetGroup]) -> None:
        self._target_groups: Tracked[TargetGroup] = Tracked(groups)
        changed_targets()

    def __getstate__(self) -> dict[str, Any]:
        """A copy (``copy``, ``pickle``) works its endpoints out afresh: the version it was
        cached at means nothing to another process."""
        return {**self.__dict__, "_endpoints": (-1, [])}

    def endpoints(self) -> list[tuple[str, int]]:
        """Every ``(ip, port)`` reached through this listener (a new list; worked out again
        only after targets changed somewhere: the embedded backend reads it per request)."""
        version, endpoints = self._endpoints
        if version != _version:
            version = _version
            endpoints = [ep for group in self.target_groups for ep in group.endpoints()]
            self._endpoints = (version, endpoints)
        return endpoints.copy()

    @classmethod
    def from_listener_attributes(cls, id: str, *, listener_arn: str = "", port: int = 80) -> Listener:  # noqa: A002,E501
        """An imported listener: integrations using it must be given ``vpc=`` or ``vpc_link=``."""
        listener = cls(id, port=port, load_balancer=None)
        listener.listener_arn = listener_arn
        return listener


class ApplicationListener(Listener):
    """A listener of an :class:`ApplicationLoadBalancer` (HTTP or HTTPS)."""

    kind = "ApplicationListener"
    protocols = ("HTTP", "HTTPS")


class NetworkListener(Listener):
    """A listener of a :class:`NetworkLoadBalancer` (TCP or TLS)."""

    kind = "NetworkListener"
    protocols = ("TCP", "TLS")


class LoadBalancer(Construct):
    """Base of the two load balancer kinds."""

    listener_class: ClassVar[type[Listener]] = Listener

    def __init__(self, id: str, *, vpc: Vpc, internet_facing: bool = False) -> None:  # noqa: A002
        super().__init__(id)
        if not isinstance(vpc, Vpc):
            raise self.error(f"vpc must be a Vpc, got {type(vpc).__name__} {vpc!r}")
        self.vpc = vpc
        self.internet_facing = internet_facing
        self.listeners: list[Listener] = []

    def add_listener(self, id: str, *, port: int, protocol: str | None = None) -> Listener:  # noqa: A002
        """Add a listener on ``port``; ``listener.add_targets(...)`` puts targets behind it."""
        if any(existing.port == port for existing in self.listeners):
            raise self.error(f"a listener on port {port} already exists (DuplicateListener)")
        listener = self.listener_class(id, port=port, load_balancer=self, protocol=protocol)
        self.listeners.append(listener)
        return listener


class ApplicationLoadBalancer(LoadBalancer):
    """An Application Load Balancer (``elbv2.ApplicationLoadBalancer``)."""

    kind = "ApplicationLoadBalancer"
    listener_class = ApplicationListener


class NetworkLoadBalancer(LoadBalancer):
    """A Network Load Balancer (``elbv2.NetworkLoadBalancer``)."""

    kind = "NetworkLoadBalancer"
    listener_class = NetworkListener
