"""What an integration gets besides the request: API, stage, matched route, shared services."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pytest_apigw.invocations import Invocation
from pytest_apigw_embedded.aws import ACCOUNT_ID
from pytest_apigw_embedded.exchange.request import GatewayRequest
from pytest_apigw_embedded.exchange.route_match import RouteMatch

if TYPE_CHECKING:
    from pytest_apigw.spec.stage import Stage
    from pytest_apigw_embedded.services import Services


@dataclass
class RequestContext:
    """Everything about one request that is not the request itself."""

    api_id: str
    stage: Stage
    match: RouteMatch
    request: GatewayRequest
    invocation: Invocation
    services: Services  # runtimes, HTTP client, ...
    #: ``requestContext.authorizer`` for the integration, set by the authorize step.
    authorizer: dict[str, Any] | None = None
    #: ``(domain_name, domain_prefix)`` once worked out (not ``cached_property``: on Python 3.11
    #: its every read takes a lock).
    _domain: tuple[str, str] | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def stage_name(self) -> str:
        """The stage name, ``$default`` included."""
        return self.stage.stage_name

    @property
    def stage_variables(self) -> dict[str, str]:
        """The stage's variables (maybe empty)."""
        return self.stage.stage_variables

    @property
    def account_id(self) -> str:
        """The emulator's fake account id."""
        return ACCOUNT_ID

    @property
    def domain_name(self) -> str:
        """The ``Host`` the client used (AWS: the API's domain)."""
        return (self._domain or self._find_domain())[0]

    @property
    def domain_prefix(self) -> str:
        """The first label of the domain; the API id when the host is an IP address."""
        return (self._domain or self._find_domain())[1]

    def _find_domain(self) -> tuple[str, str]:
        name = self.request.header("host") or f"{self.api_id}.execute-api.us-east-1.amazonaws.com"
        host = name.split(":")[0]
        first = host.split(".")[0]
        self._domain = (name, self.api_id if first.isdigit() or host == "localhost" else first)
        return self._domain

    @property
    def request_time(self) -> str:
        """``21/Apr/2020:15:08:21 +0000``."""
        return request_time(self.request.time_epoch_ms // 1000)


_time_cache: tuple[int, str] = (-1, "")


def request_time(epoch_seconds: int) -> str:
    """``$context.requestTime`` for a second since the epoch, formatted once per second."""
    global _time_cache
    if _time_cache[0] != epoch_seconds:
        _time_cache = (epoch_seconds, time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(epoch_seconds)))
    return _time_cache[1]
