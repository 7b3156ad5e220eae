"""What an integration gets besides the request: API, stage, matched route, shared services."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from pytest_apigw.invocations import Invocation
from pytest_apigw_embedded.aws import ACCOUNT_ID
from pytest_apigw_embedded.exchange.request import GatewayRequest
from pytest_apigw_embedded.exchange.route_match import RouteMatch

if TYPE_CHECKING:
    from pytest_apigw.spec.stage import Stage
    from pytest_apigw_embedded.services import Services


class RequestContext:
    """Everything about one request that is not the request itself (a plain slotted class: a
    dataclass cost the session's first deploy about 0.35 ms to create)."""

    __slots__ = ("api_id", "stage", "match", "request", "invocation", "services", "authorizer", "_domain")

    def __init__(self, api_id: str, stage: Stage, match: RouteMatch, request: GatewayRequest,
                 invocation: Invocation, services: Services,
                 authorizer: dict[str, Any] | None = None) -> None:
        self.api_id = api_id
        self.stage = stage
        self.match = match
        self.request = request
        self.invocation = invocation
        self.services = services  # runtimes, HTTP client, ...
        #: ``requestContext.authorizer`` for the integration, set by the authorize step.
        self.authorizer = authorizer
        #: ``(domain_name, domain_prefix)`` once worked out (not ``cached_property``: on Python
        #: 3.11 its every read takes a lock).
        self._domain: tuple[str, str] | None = None

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
        return self.domain()[0]

    @property
    def domain_prefix(self) -> str:
        """The first label of the domain; the API id when the host is an IP address."""
        return self.domain()[1]

    def domain(self) -> tuple[str, str]:
        """``(domainName, domainPrefix)``, worked out once per request (and once per host)."""
        found = self._domain
        if found is None:
            found = self._domain = domain_of(self.request.header("host"), self.api_id)
        return found

    @property
    def request_time(self) -> str:
        """``21/Apr/2020:15:08:21 +0000``."""
        return request_time(self.request.time_epoch_ms // 1000)


_time_cache: tuple[int, str] = (-1, "")
#: ``(Host, api id)`` → ``(domainName, domainPrefix)``: tests send a handful of hosts.
_domains: dict[tuple[str | None, str], tuple[str, str]] = {}


def domain_of(host_header: str | None, api_id: str) -> tuple[str, str]:
    """``(domainName, domainPrefix)`` for a request's ``Host`` (the API's AWS domain without
    one): the prefix is the first label, or the API id when the host is an IP or ``localhost``."""
    key = (host_header, api_id)
    found = _domains.get(key)
    if found is None:
        name = host_header or f"{api_id}.execute-api.us-east-1.amazonaws.com"
        host = name.split(":")[0]
        first = host.split(".")[0]
        found = (name, api_id if first.isdigit() or host == "localhost" else first)
        if len(_domains) >= 1024:  # bounded: a test sending many hosts starts it afresh
            _domains.clear()
        _domains[key] = found
    return found


def request_time(epoch_seconds: int) -> str:
    """``$context.requestTime`` for a second since the epoch, formatted once per second."""
    global _time_cache
    if _time_cache[0] != epoch_seconds:
        _time_cache = (epoch_seconds, time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(epoch_seconds)))
    return _time_cache[1]
