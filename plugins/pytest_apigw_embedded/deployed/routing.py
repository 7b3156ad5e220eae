"""Route selection for HTTP APIs, as ``http-api-develop-routes.md`` describes it.

Priority: (1) a full match of path and method, a literal segment beating a ``{param}`` at the
same position; (2) a greedy ``{proxy+}`` match (never the bare parent path), longer prefixes
first; (3) ``$default``. ``ANY`` serves the methods a resource does not define itself.

Undocumented choices (one line each to change):
- specificity of the *path* decides first; ``ANY`` on a more specific path beats an exact
  method on a less specific one (``ANY`` means "methods not defined for *this* resource");
- matching is on URL-decoded segments, split before decoding (so ``%2F`` stays in its segment);
- a trailing slash is an empty last segment, which no route segment matches.

A path made only of literal segments is looked up in a dictionary first (the tree walk would
find the same route: a literal beats a ``{param}`` at every depth, so the all-literal branch is
the first it tries).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, TypeVar
from urllib.parse import unquote

from pytest_apigw_embedded.exchange.route_match import RouteMatch

if TYPE_CHECKING:
    from pytest_apigw.spec.http_api import HttpRoute

ANY = "ANY"
T = TypeVar("T")
#: A route ending at a node, with the names of the ``{param}`` segments on its way.
Exact = tuple["HttpRoute", tuple[str, ...]]
#: A greedy route under a node: the route, the ``{param}`` names before it, the greedy name.
Greedy = tuple["HttpRoute", tuple[str, ...], str]


class _Node:
    """One path segment's position in the route tree (a plain slotted class: a dataclass cost
    the first deploy of a session about 0.5 ms to create)."""

    __slots__ = ("literals", "param", "param_names", "methods", "greedy", "greedy_name", "params")

    def __init__(self) -> None:
        self.literals: dict[str, _Node] = {}
        self.param: _Node | None = None
        self.param_names: dict[str, None] = {}
        self.methods: dict[str, Exact] = {}  # routes ending here
        self.greedy: dict[str, Greedy] = {}  # routes '{x+}' under this node
        self.greedy_name: str | None = None
        self.params: list[str | None] = []


def _pick(methods: dict[str, T], method: str) -> T | None:
    return methods.get(method) or methods.get(ANY)


class Router:
    """Matches a method and stage-relative path against a set of HTTP API routes."""

    def __init__(self, routes: Iterable[HttpRoute]) -> None:
        self._root = _Node()
        self.default: HttpRoute | None = None
        self.count = 0
        #: Every route key, in the order they were added (for "no route matches" reports).
        self.keys: list[str] = []
        #: Routes whose path is all literal segments: path → method → route.
        self._literal: dict[str, dict[str, HttpRoute]] = {}
        for route in routes:
            self._add(route)

    def _add(self, route: HttpRoute) -> None:
        self.count += 1
        self.keys.append(route.key)
        key = route.route_key
        method = key.method
        if method is None:  # $default
            self.default = route
            return
        if all(s.param is None and not s.greedy for s in key.segments):
            path = "/" + "/".join(s.text for s in key.segments)
            self._literal.setdefault(path, {})[method] = route
        node = self._root
        names: list[str] = []
        for segment in key.segments:
            if segment.greedy:
                node.greedy[method] = (route, tuple(names), segment.param or "")
                return
            if segment.param is not None:
                node.param = node.param or _Node()
                node = node.param
                names.append(segment.param)
            else:
                node = node.literals.setdefault(segment.text, _Node())
        node.methods[method] = (route, tuple(names))

    def match(self, method: str, path: str) -> RouteMatch | None:
        """The route for ``method`` and ``path`` (stage-relative, raw), or ``None``: 404."""
        if "%" in path:
            parts = [unquote(p) for p in path.split("/")[1:]] if path not in ("", "/") else []
        else:
            literal = self._literal.get(path or "/")
            if literal is not None:
                hit = literal.get(method) or literal.get(ANY)
                if hit is not None:
                    return RouteMatch(hit, {})
            parts = path.split("/")[1:] if path not in ("", "/") else []
        # The walk's first try (a literal before a ``{param}`` at each depth) without recursion:
        # when it ends on a route for the method, the full search would have found that one.
        node = self._root
        values: list[str] = []
        for segment in parts:
            child = node.literals.get(segment)
            if child is None:
                child = node.param
                if child is None or not segment:
                    break
                values.append(segment)
            node = child
        else:
            methods = node.methods
            exact = methods.get(method) or methods.get(ANY)
            if exact is not None:  # the names and values line up: one of each per {param}
                return RouteMatch(exact[0], dict(zip(exact[1], values)) if values else {})  # noqa: B905
        greedy: list[tuple[int, Greedy, list[str]]] = []
        found = self._full(self._root, parts, 0, method, [], greedy)
        if found is not None:
            (route, names), values = found
            return RouteMatch(route, dict(zip(names, values, strict=True)))
        for depth, (route, names, name), values in sorted(greedy, key=lambda g: -g[0]):
            params = dict(zip(names, values, strict=True))
            params[name] = "/".join(parts[depth:])
            return RouteMatch(route, params)
        if self.default is not None:
            return RouteMatch(self.default, {})
        return None

    def _full(
        self, node: _Node, parts: list[str], depth: int, method: str, values: list[str],
        greedy: list[tuple[int, Greedy, list[str]]],
    ) -> tuple[Exact, list[str]] | None:
        if depth == len(parts):
            hit = _pick(node.methods, method)
            return (hit, list(values)) if hit else None
        if node.greedy:
            under = _pick(node.greedy, method)
            if under:
                greedy.append((depth, under, list(values)))
        segment = parts[depth]
        child = node.literals.get(segment)
        if child is not None:
            found = self._full(child, parts, depth + 1, method, values, greedy)
            if found is not None:
                return found
        if node.param is not None and segment != "":
            values.append(segment)
            found = self._full(node.param, parts, depth + 1, method, values, greedy)
            values.pop()
            if found is not None:
                return found
        return None
