"""The route a request matched, as every floor below route selection sees it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pytest_apigw.spec.http_api import HttpRoute


class RouteMatch:
    """The selected route and its URL-decoded path parameters (read-only by convention). One is
    made per request; its route ``key`` is read twice or more per request (record, event,
    throttle), so it is stored when the match is made instead of computed at every read."""

    __slots__ = ("route", "path_parameters", "key")

    def __init__(self, route: HttpRoute, path_parameters: dict[str, str]) -> None:
        self.route = route
        self.path_parameters = path_parameters
        #: The matched route key (``HttpRoute.key``, read once here).
        self.key: str = route.route_key.key

    def __eq__(self, other: Any) -> bool:
        if other.__class__ is not RouteMatch:
            return NotImplemented
        return self.route == other.route and self.path_parameters == other.path_parameters

    __hash__ = None  # type: ignore[assignment]  # mutable, as the dataclass it replaces

    def __repr__(self) -> str:
        return f"RouteMatch(route={self.route!r}, path_parameters={self.path_parameters!r})"
