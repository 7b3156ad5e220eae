"""Backends by name: filled through the ``pytest_apigw_register_backends`` hook."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from pytest_apigw.backend import Backend

BackendFactory = Callable[["pytest.Config | None"], "Backend"]


@dataclass(frozen=True)
class BackendEntry:
    """A registered backend: its name, factory and one-line description."""

    name: str
    factory: BackendFactory
    description: str = ""


class BackendRegistry:
    """Backend factories keyed by name (``--apigw=NAME``)."""

    def __init__(self) -> None:
        self._entries: dict[str, BackendEntry] = {}

    def register(self, name: str, factory: BackendFactory, *, description: str = "") -> None:
        """Register ``factory`` under ``name``; a name can be registered only once."""
        if name in self._entries:
            raise ValueError(f"an apigw backend named {name!r} is already registered")
        self._entries[name] = BackendEntry(name, factory, description)

    def names(self) -> list[str]:
        """Registered names, sorted."""
        return sorted(self._entries)

    def __contains__(self, name: object) -> bool:
        return name in self._entries

    def get(self, name: str, *, source: str = "--apigw") -> BackendEntry:
        """The entry for ``name``; a :class:`pytest.UsageError` naming where the name came from
        (``source``) and listing the registered ones if unknown."""
        try:
            return self._entries[name]
        except KeyError:
            known = ", ".join(self.names()) or "none"
            raise pytest.UsageError(
                f"{source}: unknown backend {name!r}; registered backends: {known}"
            ) from None

    def create(self, name: str, config: pytest.Config | None) -> Backend:
        """Build the backend ``name``."""
        return self.get(name).factory(config)
