"""Registers the embedded backend through pytest-apigw's hooks, like any third-party backend."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from pytest_apigw.registry import BackendRegistry
    from pytest_apigw_embedded.backend import EmbeddedBackend


@pytest.hookimpl(optionalhook=True)  # quiet when pytest-apigw itself is disabled (-p no:apigw)
def pytest_apigw_register_backends(registry: BackendRegistry) -> None:
    """Register ``embedded``: the in-process emulator (the default backend)."""

    def factory(config: pytest.Config | None) -> EmbeddedBackend:
        from pytest_apigw_embedded.backend import EmbeddedBackend

        return EmbeddedBackend(config)

    registry.register("embedded", factory, description="in-process emulator on 127.0.0.1")
