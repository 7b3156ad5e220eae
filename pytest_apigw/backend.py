"""The contract between the plugin and a backend: ``Backend`` and the ``Deployment`` it returns."""

from __future__ import annotations

import abc
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    import httpx
    import pytest

    from pytest_apigw.ws_client import AsyncClient, SyncClient

Spec = Any  # HttpApi | WebSocketApi


@dataclass
class Deployment:
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
    handle: Any = None
    closed: bool = False

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
        it as a context manager)."""
        import httpx

        return httpx.Client(base_url=self.url, **kwargs)

    def ws_connect(self, *, query: Any = None, headers: Any = None, stage: str | None = None,
                   **kwargs: Any) -> SyncClient:
        """A WebSocket client connected to this deployment's stage (``query`` and ``headers``
        reach ``$connect``); a context manager. See :mod:`pytest_apigw.ws_client`."""
        from pytest_apigw.ws_client import SyncClient, stage_url

        return SyncClient(stage_url(self._ws_base(stage), query), headers=headers, **kwargs)

    def ws_connect_async(self, *, query: Any = None, headers: Any = None, stage: str | None = None,
                         **kwargs: Any) -> AsyncClient:
        """The asyncio client: ``async with deployment.ws_connect_async() as ws: ...``."""
        from pytest_apigw.ws_client import AsyncClient, stage_url

        return AsyncClient(stage_url(self._ws_base(stage), query), headers=headers, **kwargs)

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
        """Tear the deployment down now (the fixtures do it at teardown otherwise)."""
        if not self.closed:
            self.closed = True
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
