"""The route a request matched, as every floor below route selection sees it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pytest_apigw.spec.http_api import HttpRoute


@dataclass(slots=True)
class RouteMatch:
    """The selected route and its URL-decoded path parameters (read-only by convention: not
    ``frozen``, whose ``__init__`` costs twice as much, and one is made per request)."""

    route: HttpRoute
    path_parameters: dict[str, str]

    @property
    def key(self) -> str:
        """The matched route key."""
        return self.route.route_key.key  # ``HttpRoute.key``, one property call fewer
