"""pluggy hook specifications of pytest-apigw (added to pytest in ``pytest_addhooks``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from pytest_apigw.backend import Backend, Deployment
    from pytest_apigw.registry import BackendRegistry


@pytest.hookspec
def pytest_apigw_register_backends(registry: BackendRegistry) -> None:
    """Register backends: call ``registry.register(name, factory, description=...)``.

    ``factory(config)`` returns a :class:`~pytest_apigw.backend.Backend`; it is called only for
    the selected backend, so a factory may import heavy modules lazily.
    """


@pytest.hookspec(firstresult=True)
def pytest_apigw_make_backend(name: str, config: pytest.Config) -> Backend | None:
    """Create the backend ``name``; the first non-``None`` result wins.

    The default implementation (``trylast``) asks the registry, so a plugin can wrap or
    replace a backend by answering first.
    """


@pytest.hookspec
def pytest_apigw_deployed(deployment: Deployment) -> None:
    """Called after every successful deploy, with the live deployment."""
