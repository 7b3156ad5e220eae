"""Route keys of HTTP APIs: ``METHOD /path`` or ``$default``, validated as AWS validates them."""

from __future__ import annotations

import re
from dataclasses import dataclass

from pytest_apigw.errors import SpecError
from pytest_apigw.spec.methods import HttpMethod

DEFAULT_ROUTE_KEY = "$default"
_PARAM_RE = re.compile(r"^\{([A-Za-z0-9_.\-]+)(\+?)\}\Z")
# Literal segments: RFC 3986 pchar minus braces (AWS rejects braces outside a whole variable).
_LITERAL_RE = re.compile(r"^[A-Za-z0-9\-._~!$&'()*+,;=:@%]+\Z")


@dataclass(frozen=True, slots=True)
class Segment:
    """One path segment of a route: a literal, a ``{param}`` or a greedy ``{param+}``."""

    text: str
    param: str | None = None
    greedy: bool = False


@dataclass(frozen=True, slots=True)
class RouteKey:
    """A parsed route key. ``method`` and ``segments`` are ``None`` for ``$default``."""

    key: str
    method: str | None
    path: str | None
    segments: tuple[Segment, ...] = ()

    @property
    def is_default(self) -> bool:
        """True for the ``$default`` catch-all route."""
        return self.method is None

    @property
    def greedy(self) -> bool:
        """True when the path ends in a greedy ``{name+}`` segment."""
        return bool(self.segments) and self.segments[-1].greedy


def parse_path(owner: str, path: str) -> tuple[Segment, ...]:
    """Split and validate a route path such as ``/pets/{id}`` or ``/files/{proxy+}``."""
    if not isinstance(path, str):
        raise SpecError(owner, f"route path must be a str, got {type(path).__name__} {path!r}")
    if not path.startswith("/"):
        raise SpecError(owner, f"route path {path!r} must start with '/' (e.g. '/{path}')")
    if path == "/":
        return ()
    parts = path[1:].split("/")
    segments: list[Segment] = []
    seen: set[str] = set()
    for index, part in enumerate(parts):
        if part == "":
            raise SpecError(owner, f"route path {path!r} has an empty segment ('//' or a trailing '/')")
        match = _PARAM_RE.match(part)
        if match:
            name, plus = match.group(1), bool(match.group(2))
            if plus and index != len(parts) - 1:
                raise SpecError(
                    owner, f"route path {path!r}: greedy variable {{{name}+}} must be the last segment"
                )
            if name in seen:
                raise SpecError(owner, f"route path {path!r} repeats the path variable {{{name}}}")
            seen.add(name)
            segments.append(Segment(part, name, plus))
        elif "{" in part or "}" in part:
            raise SpecError(
                owner,
                f"route path {path!r}: segment {part!r} is not a valid path variable; a variable "
                "is a whole segment '{name}' or '{name+}' of letters, digits, '_', '-', '.'",
            )
        elif not _LITERAL_RE.match(part):
            raise SpecError(owner, f"route path {path!r}: segment {part!r} has characters AWS rejects")
        else:
            segments.append(Segment(part))
    return tuple(segments)


def parse_route_key(owner: str, key: str) -> RouteKey:
    """Parse ``"GET /pets/{id}"`` or ``"$default"`` into a :class:`RouteKey`."""
    if key == DEFAULT_ROUTE_KEY:
        return RouteKey(key, None, None)
    method, sep, path = key.partition(" ") if isinstance(key, str) else ("", "", "")
    if not sep:
        raise SpecError(owner, f"route key {key!r} must be 'METHOD /path' or '$default'")
    method = method_name(owner, method)
    return RouteKey(f"{method} {path}", method, path, parse_path(owner, path))


def method_name(owner: str, method: object) -> str:
    """Validate one method (an :class:`HttpMethod` or its name) and return its name."""
    if isinstance(method, HttpMethod):
        return method.value
    if isinstance(method, str) and method in HttpMethod.__members__:
        return method
    allowed = ", ".join(HttpMethod.__members__)
    raise SpecError(owner, f"method {method!r} is not one of {allowed} (case-sensitive)")
