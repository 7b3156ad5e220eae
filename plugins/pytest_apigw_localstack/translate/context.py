"""What every translator module shares while one spec is provisioned."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pytest_apigw_localstack.clients import Clients
from pytest_apigw_localstack.ledger import Ledger
from pytest_apigw_localstack.naming import DeploymentNames
from pytest_apigw_localstack.upstreams import UpstreamHost


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
    pending: dict[str, dict] = field(default_factory=dict)
    #: Where the endpoint reaches the test's loopback upstreams (``--apigw-upstream-host``).
    upstreams: UpstreamHost = field(default_factory=lambda: UpstreamHost(None))

    def once(self, kind: str, construct: Any, create: Callable[[], Any]) -> Any:
        """``create()`` the first time ``construct`` is seen for ``kind``, the cached result after."""
        key = (kind, id(construct))
        if key not in self.cache:
            self.cache[key] = create()
        return self.cache[key]

    def arn(self, service: str, resource: str) -> str:
        """``arn:<partition>:<service>:<region>:<account>:<resource>``."""
        c = self.clients
        return f"arn:{c.partition}:{service}:{c.region}:{c.account_id}:{resource}"
