"""The contract between the plugin and a backend: ``Backend`` and the ``Deployment`` it returns."""

from __future__ import annotations

import abc
import functools
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeAlias

from typing_extensions import TypeVar

from pytest_apigw.client_events import ClientEvent, Listener, emit
from pytest_apigw.spec.http_api import HttpApi
from pytest_apigw.spec.websocket_api import WebSocketApi

if TYPE_CHECKING:
    import ssl
    from collections.abc import Callable

    import httpx
    import pytest

    from pytest_apigw.ws_client import AsyncClient, SyncClient

#: What a backend deploys.
Spec: TypeAlias = HttpApi | WebSocketApi


@functools.cache
def _verified_tls() -> ssl.SSLContext:
    """The TLS context every :meth:`Deployment.client` verifies with: what httpx makes for each
    new client by default (the CA bundle loaded, about 30 ms), made once per process."""
    import httpx

    return httpx.create_ssl_context()


#: What a backend keeps in :attr:`Deployment.handle` to find a deployment's resources again; each
#: backend names its own type (``Deployment[Served]`` on the embedded backend), others see ``object``.
HandleT = TypeVar("HandleT", covariant=True, default=object)


@dataclass(frozen=True)
class StageAccessLog:
    """One stage's access log as the gateway wrote it: the stage's format and its lines, oldest
    first (:meth:`Backend.stage_access_logs`)."""

    stage: str
    format: str
    lines: list[str]
    #: True when the format is the user's ``access_log_format`` (else the one route coverage
    #: gave a stage that had none: not part of ``deployment.access_log``).
    users: bool = True


@dataclass
class Deployment(Generic[HandleT]):
    """A spec deployed to a backend.

    ``url`` is the invoke URL of the chosen stage (``http://127.0.0.1:PORT`` for ``$default``,
    ``http://127.0.0.1:PORT/dev`` for a named stage on the embedded backend); ``ws_url`` is set
    for a WebSocket API. ``stage_urls`` maps every stage name to its URL.
    """

    api: Spec
    api_id: str
    stage: str
    url: str
    backend: Backend
    ws_url: str | None = None
    stage_urls: dict[str, str] = field(default_factory=dict)
    handle: HandleT | None = None
    closed: bool = False
    #: Called with each :class:`~pytest_apigw.client_events.ClientEvent` of the deployment's own
    #: clients (``client()``, ``ws_connect()``, ``ws_connect_async()``).
    client_listeners: list[Listener] = field(default_factory=list, repr=False, compare=False)
    #: Called with the deployment just before :meth:`close` tears it down (route coverage reads
    #: the stages' access logs there, while they still exist).
    close_hooks: list[Callable[[Deployment[Any]], None]] = field(
        default_factory=list, repr=False, compare=False)

    @property
    def access_log(self) -> list[str]:
        """The access-log lines of the deployment's stages, oldest first: one per request on a
        stage with ``access_log_format`` (empty when no stage has one, or when the backend lacks
        the ``access_logs`` capability)."""
        return self.backend.access_log(self)

    def url_for(self, stage: str) -> str:
        """The invoke URL of another stage of the same API."""
        try:
            return self.stage_urls[stage]
        except KeyError:
            known = ", ".join(self.stage_urls) or "none"
            raise KeyError(f"stage {stage!r} is not deployed (stages: {known})") from None

    def redeploy(self) -> None:
        """Create a new deployment: stages without auto-deploy pick up the spec's changes."""
        self.backend.redeploy(self)

    def client(self, **kwargs: Any) -> httpx.Client:
        """An ``httpx.Client`` whose base URL is this deployment's ``url`` (close it, or use
        it as a context manager). Each response is reported to :attr:`client_listeners`."""
        import httpx

        hooks = dict(kwargs.pop("event_hooks", None) or {})
        hooks["response"] = [*hooks.get("response", []), self._observe_response]
        if "verify" not in kwargs and "cert" not in kwargs:  # your own TLS settings, else the shared ones
            kwargs["verify"] = _verified_tls()
        return httpx.Client(base_url=self.url, event_hooks=hooks, **kwargs)

    def _observe_response(self, response: httpx.Response) -> None:
        if not self.client_listeners:
            return
        request = response.request
        wanted = ("origin", "access-control-request-method")
        headers = tuple((name, request.headers[name]) for name in wanted if name in request.headers)
        emit(self.client_listeners, ClientEvent("http", str(request.url), request.method,
                                                response.status_code, headers))

    def ws_connect(self, *, query: Any = None, headers: Any = None, stage: str | None = None,
                   **kwargs: Any) -> SyncClient:
        """A WebSocket client connected to this deployment's stage (``query`` and ``headers``
        reach ``$connect``); a context manager. See :mod:`pytest_apigw.ws_client`."""
        from pytest_apigw.ws_client import SyncClient, stage_url

        return SyncClient(stage_url(self._ws_base(stage), query), headers=headers,
                          listeners=self.client_listeners, **kwargs)

    def ws_connect_async(self, *, query: Any = None, headers: Any = None, stage: str | None = None,
                         **kwargs: Any) -> AsyncClient:
        """The asyncio client: ``async with deployment.ws_connect_async() as ws: ...``."""
        from pytest_apigw.ws_client import AsyncClient, stage_url

        return AsyncClient(stage_url(self._ws_base(stage), query), headers=headers,
                           listeners=self.client_listeners, **kwargs)

    def connections_client(self, stage: str | None = None, **kwargs: Any) -> Any:
        """A boto3 ``apigatewaymanagementapi`` client for a stage's ``@connections`` API."""
        from pytest_apigw.ws_client import management_client

        return management_client(self.url_for(stage) if stage else self.url, **kwargs)

    def _ws_base(self, stage: str | None) -> str:
        if self.ws_url is None:
            raise TypeError(f"deployment of {self.api!r} is not a WebSocket API (it has no ws_url)")
        if stage is None:
            return self.ws_url
        return "ws" + self.url_for(stage)[len("http"):]

    def close(self) -> None:
        """Tear the deployment down now (the fixtures do it at teardown otherwise); the
        :attr:`close_hooks` run first."""
        if not self.closed:
            self.closed = True
            hooks, self.close_hooks = list(self.close_hooks), []
            try:
                for hook in hooks:
                    hook(self)
            finally:
                self.backend.destroy(self)


class Backend(abc.ABC):
    """Turns specs into live deployments. Subclass it and register a factory through the
    ``pytest_apigw_register_backends`` hook."""

    #: The name used with ``--apigw=NAME``.
    name: ClassVar[str] = ""
    #: What this backend serves (names from :mod:`pytest_apigw.capabilities`).
    capabilities: ClassVar[frozenset[str]] = frozenset()

    def __init__(self, config: pytest.Config | None = None) -> None:
        self.config = config

    def start(self) -> None:  # noqa: B027 - optional hook
        """Start what the backend needs (called once, lazily, before the first deploy)."""

    @abc.abstractmethod
    def deploy(self, api: Spec, *, stage: str | None = None) -> Deployment:
        """Deploy ``api``; ``stage`` picks which stage's URL becomes ``Deployment.url``."""

    @abc.abstractmethod
    def destroy(self, deployment: Deployment) -> None:
        """Remove everything ``deploy`` created for ``deployment``."""

    def redeploy(self, deployment: Deployment) -> None:
        """Make the spec's current routes live on every stage of ``deployment``."""
        raise NotImplementedError(f"backend {self.name!r} cannot redeploy")

    def access_log(self, deployment: Deployment) -> list[str]:
        """``deployment``'s access-log lines, oldest first (none unless the backend writes them)."""
        return []

    def stage_access_logs(self, deployment: Deployment, *, expected: int = 0) -> list[StageAccessLog]:
        """Every access log the gateway keeps for ``deployment``'s stages (the user's formats and
        the one route coverage asked for, see :mod:`pytest_apigw.coverage.route_log`), read now;
        ``expected`` is how many lines the caller knows were caused (a backend whose logs arrive
        late may wait for them). Empty unless the backend writes access logs."""
        return []

    def close(self) -> None:  # noqa: B027 - optional hook
        """Stop everything the backend started (called once at session end)."""

    def supports(self, capability: str) -> bool:
        """True when ``capability`` is in :attr:`capabilities`; a :class:`ValueError` naming the
        known ones for a name that no backend declares (a typo would otherwise read as "no")."""
        if capability in self.capabilities:
            return True
        from pytest_apigw import capabilities as known

        if capability not in known.ALL:
            import difflib

            close = difflib.get_close_matches(capability, sorted(known.ALL), n=3)
            hint = f"; did you mean {', '.join(map(repr, close))}?" if close else \
                f"; known: {', '.join(sorted(known.ALL))}"
            raise ValueError(f"unknown capability {capability!r}{hint}")
        return False

    def describe(self) -> str:
        """One line for the pytest report header."""
        return self.name
