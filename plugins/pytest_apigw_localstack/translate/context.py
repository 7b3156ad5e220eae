"""What every translator module shares while one spec is provisioned."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from pytest_apigw_localstack.clients import Clients
from pytest_apigw_localstack.ledger import Ledger
from pytest_apigw_localstack.naming import DeploymentNames
from pytest_apigw_localstack.upstreams import UpstreamHost

T = TypeVar("T")


@dataclass
class Context:
    """Clients, names, the ledger, and a cache so a construct used twice is created once."""

    clients: Clients
    names: DeploymentNames
    ledger: Ledger
    #: True against a real account: wait for eventual consistency, never paper over a gap.
    real_aws: bool = False
    cache: dict[tuple[str, int], Any] = field(default_factory=dict)
    #: What the endpoint could not do, said once (e.g. no VPC link API on MiniStack).
    notes: list[str] = field(default_factory=list)
    #: Functions created but not yet seen Active (waited for together, at the end of a deploy).
    pending: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: Where the endpoint reaches the test's loopback upstreams (``--apigw-upstream-host``).
    upstreams: UpstreamHost = field(default_factory=lambda: UpstreamHost(None))
    #: The access-log format a stage without ``access_log_format`` gets (route coverage on a
    #: backend that writes access logs), else ``None``.
    route_log_format: str | None = None

    def once(self, kind: str, construct: object, create: Callable[[], T]) -> T:
        """``create()`` the first time ``construct`` is seen for ``kind``, the cached result after
        (a ``kind`` always caches one type)."""
        key = (kind, id(construct))
        if key not in self.cache:
            self.cache[key] = create()
        made: T = self.cache[key]
        return made

    def arn(self, service: str, resource: str) -> str:
        """``arn:<partition>:<service>:<region>:<account>:<resource>``."""
        c = self.clients
        return f"arn:{c.partition}:{service}:{c.region}:{c.account_id}:{resource}"
