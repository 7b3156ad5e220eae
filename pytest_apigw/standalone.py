"""Deploy a spec outside pytest (scripts, notebooks, the README's main job).

``with deployed(api) as deployment: ...`` uses the same backends, found through the same
``pytest11`` entry points and the same ``pytest_apigw_register_backends`` hook.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from importlib.metadata import entry_points

import pluggy

from pytest_apigw import hookspecs
from pytest_apigw.backend import Backend, Deployment, Spec
from pytest_apigw.registry import BackendRegistry
from pytest_apigw.session import Apigw


def registry() -> BackendRegistry:
    """Every backend registered by an installed pytest-apigw backend plugin."""
    manager = pluggy.PluginManager("pytest")
    manager.add_hookspecs(hookspecs)
    for entry in entry_points(group="pytest11"):
        if entry.value.startswith("pytest_apigw_"):
            manager.register(entry.load(), name=entry.name)
    found = BackendRegistry()
    manager.hook.pytest_apigw_register_backends(registry=found)
    return found


def make_backend(name: str = "embedded") -> Backend:
    """Create and start backend ``name``."""
    backend = registry().create(name, None)
    backend.start()
    return backend


@contextmanager
def deployed(api: Spec, *, backend: str = "embedded", stage: str | None = None) -> Iterator[Deployment]:
    """Deploy ``api`` on ``backend`` for the ``with`` block; everything stops on exit."""
    live = make_backend(backend)
    try:
        with Apigw(lambda: live).deployed(api, stage=stage) as deployment:
            yield deployment
    finally:
        live.close()
