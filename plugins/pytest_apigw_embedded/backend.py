"""The embedded backend: every deployment served in-process on its own 127.0.0.1 port."""

from __future__ import annotations

import os
import random
import string
from typing import TYPE_CHECKING, Any, NamedTuple

from pytest_apigw import capabilities
from pytest_apigw.backend import Backend, Deployment, Spec
from pytest_apigw.spec import Function, WebSocketApi
from pytest_apigw.spec.deploy import deploy_target
from pytest_apigw_embedded import authorizers, integrations
from pytest_apigw_embedded.gateway.http_app import HttpGateway
from pytest_apigw_embedded.server.listener import BIND_HOST, Listener
from pytest_apigw_embedded.server.loop import LoopThread
from pytest_apigw_embedded.services import Services

if TYPE_CHECKING:
    import pytest

    from pytest_apigw.spec.function import Function
    from pytest_apigw_embedded.websocket.app import WebSocketGateway

_ID_ALPHABET = string.ascii_lowercase + string.digits
#: API ids from the OS's randomness (``secrets`` would import ``hmac`` etc. for nothing here).
_RANDOM = random.SystemRandom()
#: ``websocket/sdk_endpoint.py``'s ``BOOT_DIR`` (the ``sitecustomize`` giving worker processes its
#: hooks), named here so that a backend serving no WebSocket API does not import that module
#: (``test_backend_wiring`` checks the workers get that very folder).
_BOOT_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "websocket", "_boot")

#: Objects of these modules are walked; anything else (handlers, user objects) is a leaf.
_SPEC_PACKAGE = "pytest_apigw.spec"
#: A bound on the walk (a spec has far fewer objects; a cycle cannot make it run away).
_MAX_OBJECTS = 100_000


def functions_of(api: Any) -> set[Function]:
    """Every :class:`Function` reachable from ``api`` through spec objects, lists and dicts."""
    found: set[Function] = set()
    seen: set[int] = set()
    stack: list[Any] = [api]
    while stack and len(seen) < _MAX_OBJECTS:
        obj = stack.pop()
        if id(obj) in seen:
            continue
        seen.add(id(obj))
        if isinstance(obj, Function):
            found.add(obj)
        elif isinstance(obj, list | tuple | set | frozenset):
            stack.extend(obj)
        elif isinstance(obj, dict):
            stack.extend(obj.values())
        elif type(obj).__module__.startswith(_SPEC_PACKAGE) and hasattr(obj, "__dict__"):
            stack.extend(vars(obj).values())
    return found


def new_api_id() -> str:
    """A 10-character id like AWS's (``a1b2c3d4e5``)."""
    return "".join(_RANDOM.choices(_ID_ALPHABET, k=10))


class Served(NamedTuple):
    """What serves one embedded deployment (``Deployment.handle``): its listener and its app."""

    listener: Listener
    app: HttpGateway | WebSocketGateway


def served(deployment: Deployment) -> Served:
    """The embedded handle of ``deployment`` (a ``TypeError`` for another backend's)."""
    if not isinstance(deployment.handle, Served):
        raise TypeError(f"{deployment!r} was not deployed by the embedded backend")
    return deployment.handle


class EmbeddedBackend(Backend):
    """In-process emulator: one event loop thread, uvicorn on loopback, Lambda in-process."""

    name = "embedded"

    def __init__(self, config: pytest.Config | None = None) -> None:
        super().__init__(config)
        self._loop: LoopThread | None = None
        self._services: Services | None = None
        self._live: dict[int, Deployment[Served]] = {}
        #: The functions each live deployment uses (their processes end with it).
        self._functions: dict[int, set[Function]] = {}
        self._sdk_hooks = False

    #: What the gateway itself serves, whatever the integrations and authorizers.
    GATEWAY_CAPABILITIES = frozenset({
        capabilities.NAMED_STAGES, capabilities.STAGE_VARIABLES, capabilities.COOKIES,
        capabilities.INVOCATION_LOG, capabilities.WEBSOCKET_CONNECTIONS, capabilities.CORS,
        capabilities.PARAMETER_MAPPING, capabilities.THROTTLING, capabilities.ACCESS_LOGS,
    })

    @property
    def capabilities(self) -> frozenset[str]:  # type: ignore[override]
        """Derived from the integration and authorizer tables, plus the gateway's own."""
        return (integrations.capabilities_served() | authorizers.capabilities_served()
                | self.GATEWAY_CAPABILITIES)

    def start(self) -> None:
        """Start the event loop thread."""
        if self._loop is None:
            self._loop = LoopThread()
            # worker processes get the hook that routes boto3's apigatewaymanagementapi calls
            # for loopback hosts to us (see websocket/sdk_endpoint.py)
            self._services = Services(self._loop, worker_paths=[_BOOT_DIR])

    @property
    def loop(self) -> LoopThread:
        """The running loop thread (started on demand)."""
        self.start()
        assert self._loop is not None
        return self._loop

    @property
    def services(self) -> Services:
        """Shared runtimes and clients."""
        self.start()
        assert self._services is not None
        return self._services

    def make_app(self, api: Spec, api_id: str) -> HttpGateway | WebSocketGateway:
        """The ASGI app serving ``api``."""
        if isinstance(api, WebSocketApi):
            from pytest_apigw_embedded.websocket import sdk_endpoint
            from pytest_apigw_embedded.websocket.app import WebSocketGateway

            if not self._sdk_hooks:  # in-process handlers' @connections calls reach us
                sdk_endpoint.install_hooks()
                self._sdk_hooks = True
            return WebSocketGateway(api, api_id, self.services)
        return HttpGateway(api, api_id, self.services)

    def deploy(self, api: Spec, *, stage: str | None = None) -> Deployment[Served]:
        """Build the gateway (integrations resolved now), then listen on a loopback port."""
        chosen = deploy_target(api, stage)
        api_id = new_api_id()
        with self.services.functions_used() as functions:
            app = self.make_app(api, api_id)
        listener = Listener(app)
        self.loop.run(listener.start())
        base = f"http://{BIND_HOST}:{listener.port}"
        ws_base = f"ws://{BIND_HOST}:{listener.port}"
        is_ws = isinstance(api, WebSocketApi)
        urls = {s.stage_name: base + s.path_prefix for s in api.stages}
        deployment = Deployment(
            api=api, api_id=api_id, stage=chosen.stage_name, url=urls[chosen.stage_name],
            backend=self, ws_url=ws_base + chosen.path_prefix if is_ws else None,
            stage_urls=urls, handle=Served(listener, app),
        )
        self._live[id(deployment)] = deployment
        # What building the gateway asked runtimes for, and whatever else the spec names
        # (an authorizer built on first use, say).
        self._functions[id(deployment)] = functions | functions_of(api)
        return deployment

    def access_log(self, deployment: Deployment) -> list[str]:
        """The lines the deployment's gateway rendered, oldest first."""
        return list(served(deployment).app.access_log)

    def redeploy(self, deployment: Deployment) -> None:
        """A new deployment: every stage, auto-deploy or not, gets the spec's current routes."""
        _, app = served(deployment)
        self._functions[id(deployment)] = self._functions.get(id(deployment), set()) | functions_of(
            deployment.api)
        self.loop.run(self._redeploy(app))

    @staticmethod
    async def _redeploy(app: HttpGateway | WebSocketGateway) -> None:
        app.stages.deploy(manual_too=True)

    def destroy(self, deployment: Deployment) -> None:
        """Stop the deployment's listener, close its connections and end the worker processes
        of functions no other live deployment uses."""
        self._live.pop(id(deployment), None)
        own = self._functions.pop(id(deployment), set()) | functions_of(deployment.api)
        # Released too soon (a function another deployment gained by an auto-deployed route
        # after its deploy) costs only a cold start: runtimes prepare again on use.
        still_used = set().union(*self._functions.values()) if self._functions else set()
        listener, app = served(deployment)
        if self._loop is not None and self._loop.alive:
            self._loop.run(self._stop(listener, app))
            if self._services is not None:
                self._loop.run(self._services.release(own - still_used))

    @staticmethod
    async def _stop(listener: Listener, app: HttpGateway | WebSocketGateway) -> None:
        closer = getattr(app, "aclose", None)
        if closer is not None:
            await closer()
        await listener.stop()

    def close(self) -> None:
        """Tear down what is left, close runtimes, stop the loop thread."""
        for deployment in list(self._live.values()):
            deployment.closed = True
            self.destroy(deployment)
        if self._loop is not None:
            if self._services is not None:
                self._loop.run(self._services.aclose())
            self._loop.stop()
            self._loop = None
            self._services = None
        if self._sdk_hooks:
            from pytest_apigw_embedded.websocket import sdk_endpoint

            sdk_endpoint.uninstall_hooks()
            self._sdk_hooks = False

    def describe(self) -> str:
        """One line for the report header."""
        return "in-process emulator on 127.0.0.1"
