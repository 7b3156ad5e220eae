"""The route a request matched, as every floor below route selection sees it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class RouteMatch:
    """The selected route and its URL-decoded path parameters."""

    route: Any
    path_parameters: dict[str, str]

    @property
    def key(self) -> str:
        """The matched route key."""
        return self.route.key
