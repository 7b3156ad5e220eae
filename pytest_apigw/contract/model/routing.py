"""Route selection for HTTP APIs (``http-api-develop-routes.md``, "Routing API requests").

Written from the docs, by enumeration rather than a tree, so it shares no structure with any
backend's router. The documented priorities: (1) a full match of route and method, (2) a match
with a greedy path variable ``{proxy+}``, (3) the ``$default`` route, else 404 ``Not Found``.
"ANY" matches "all methods that you haven't defined for a resource"; a greedy variable "must be
at the end of the resource path" and catches "child resources" (so never the bare parent).

Undocumented choices, each visible in :func:`_rank`:
- among full matches, a literal segment beats a ``{param}`` at the same position, left to right
  (the docs' example: ``GET /pets/dog/1`` selects ``GET /pets/dog/{id}`` over ``{proxy+}``
  routes; ``GET /pets/dog/1`` vs ``GET /pets/dog/{id}`` is the usual reading);
- among greedy matches, the longest fixed prefix wins (the docs' ``GET /pets/cat/1`` selects
  ``GET /pets/{proxy+}`` over ``ANY /{proxy+}``), then literal over ``{param}``;
- the path decides before the method: ``ANY`` on a more specific path beats a method on a less
  specific one (ANY stands for the methods not defined for *that* resource);
- two routes of the same shape differing only in parameter names (``GET /{a}``, ``GET /{b}``)
  tie: the model reports both and any of them is accepted;
- segments are split on ``/`` first and then URL-decoded ("pathParameters are URL-decoded").
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import unquote

DEFAULT_ROUTE = "$default"
ANY = "ANY"


@dataclass(frozen=True)
class RoutePattern:
    """A route key split into method and path segments (``{x}`` and ``{x+}`` kept as text)."""

    key: str
    method: str
    path: str
    segments: tuple[str, ...]

    @classmethod
    def parse(cls, key: str) -> RoutePattern:
        """``"GET /pets/{id}"`` → pattern."""
        method, _, path = key.partition(" ")
        return cls(key, method, path, tuple(s for s in path.split("/") if s))

    @property
    def greedy(self) -> bool:
        """True when the last segment is ``{name+}``."""
        return bool(self.segments) and self.segments[-1].endswith("+}")

    @property
    def fixed(self) -> tuple[str, ...]:
        """The segments before a greedy variable (all of them otherwise)."""
        return self.segments[:-1] if self.greedy else self.segments


@dataclass(frozen=True)
class RouteSelection:
    """The model's answer: the selected route(s), path parameters and the rule that decided.

    ``candidates`` holds more than one entry only when AWS documents no winner (a tie).
    """

    candidates: tuple[tuple[str, dict[str, str]], ...]
    rule: str
    params_by_key: dict[str, dict[str, str]] = field(default_factory=dict)
    #: Every route key that matched before the priorities chose (``$default`` not counted).
    matching: tuple[str, ...] = ()

    @property
    def key(self) -> str | None:
        """The selected route key (the first candidate), ``None`` for 404."""
        return self.candidates[0][0] if self.candidates else None

    @property
    def keys(self) -> tuple[str, ...]:
        """Every acceptable route key."""
        return tuple(k for k, _ in self.candidates)

    def params_for(self, key: str) -> dict[str, str]:
        """The path parameters if route ``key`` is the one selected."""
        return dict(self.candidates)[key]


def split_path(raw_path: str) -> list[str]:
    """Stage-relative raw path → URL-decoded segments (``/`` → ``[]``)."""
    if raw_path in ("", "/"):
        return []
    return [unquote(part) for part in raw_path[1:].split("/")]


def _bind(fixed: tuple[str, ...], parts: list[str]) -> dict[str, str] | None:
    params: dict[str, str] = {}
    for pattern, value in zip(fixed, parts, strict=False):
        if pattern.startswith("{"):
            if value == "":
                return None
            params[pattern[1:-1]] = value
        elif pattern != value:
            return None
    return params


def _rank(pattern: RoutePattern) -> tuple[int, ...]:
    return tuple(0 if s.startswith("{") else 1 for s in pattern.fixed)


def _effective(patterns: list[RoutePattern], method: str) -> list[RoutePattern]:
    by_path: dict[str, dict[str, RoutePattern]] = {}
    for p in patterns:
        by_path.setdefault(p.path, {})[p.method] = p
    chosen = (methods.get(method) or methods.get(ANY) for methods in by_path.values())
    return [p for p in chosen if p is not None]


def select_route(route_keys: Iterable[str], method: str, stage_path: str) -> RouteSelection:
    """Which route serves ``method`` on the stage-relative raw ``stage_path``."""
    keys = list(route_keys)
    patterns = [RoutePattern.parse(k) for k in keys if k != DEFAULT_ROUTE]
    parts = split_path(stage_path)
    full: list[tuple[tuple[int, ...], RoutePattern, dict[str, str]]] = []
    greedy: list[tuple[tuple[int, ...], RoutePattern, dict[str, str]]] = []
    for p in _effective(patterns, method):
        if p.greedy:
            if len(parts) > len(p.fixed) and (params := _bind(p.fixed, parts)) is not None:
                params[p.segments[-1][1:-2]] = "/".join(parts[len(p.fixed):])
                greedy.append(((len(p.fixed), *_rank(p)), p, params))
        elif len(parts) == len(p.segments) and (params := _bind(p.segments, parts)) is not None:
            full.append((_rank(p), p, params))
    matching = tuple(p.key for _, p, _ in (*full, *greedy))
    for found, rule in ((full, "full match of route and method"),
                        (greedy, "greedy path variable {proxy+}")):
        if found:
            best = max(rank for rank, _, _ in found)
            tied = tuple((p.key, params) for rank, p, params in found if rank == best)
            return RouteSelection(tied, rule if len(tied) == 1 else rule + " (tie: undocumented)",
                                  matching=matching)
    if DEFAULT_ROUTE in keys:
        return RouteSelection(((DEFAULT_ROUTE, {}),), "the $default route")
    return RouteSelection((), "no route matches: 404 Not Found")
