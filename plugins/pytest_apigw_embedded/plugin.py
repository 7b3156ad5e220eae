"""Registers the embedded backend through pytest-apigw's hooks, like any third-party backend."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.hookimpl(optionalhook=True)  # quiet when pytest-apigw itself is disabled (-p no:apigw)
def pytest_apigw_register_backends(registry: Any) -> None:
    """Register ``embedded``: the in-process emulator (the default backend)."""

    def factory(config: Any) -> Any:
        from pytest_apigw_embedded.backend import EmbeddedBackend

        return EmbeddedBackend(config)

    registry.register("embedded", factory, description="in-process emulator on 127.0.0.1")
