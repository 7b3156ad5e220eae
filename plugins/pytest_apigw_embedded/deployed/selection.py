"""Route selection expressions (``apigateway-websocket-api-selection-expressions.md``).

``$request.body.PATH`` or a template of ``${request.body.PATH}`` parts (``\\$`` is a literal
dollar). Evaluated on a message that is JSON; a missing path is ``""``; a value that is not a
string is its JSON text. A message that is not JSON (or is binary) has no key: ``$default``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

_PART = re.compile(r"\\\$|\$\{request\.body\.([^}]*)\}|\$request\.body\.([A-Za-z0-9_\-\[\]\.]+)")
_STEP = re.compile(r"([^.\[\]]+)|\[(\d+)\]")
_MISSING = object()


def parse_path(path: str) -> list[str | int]:
    """``a.b[0].c`` → ``["a", "b", 0, "c"]``."""
    steps: list[str | int] = []
    for name, index in _STEP.findall(path):
        steps.append(int(index) if index else name)
    return steps


def lookup(document: Any, steps: list[str | int]) -> Any:
    """The value at ``steps`` in ``document``, or the missing marker."""
    value = document
    for step in steps:
        if isinstance(step, int) and isinstance(value, list) and 0 <= step < len(value):
            value = value[step]
        elif isinstance(value, dict) and str(step) in value:
            value = value[str(step)]
        else:
            return _MISSING
    return value


def stringify(value: Any) -> str:
    """A selected value as the route key text."""
    if value is _MISSING or value is None:
        return ""
    if isinstance(value, str):
        return value
    return json.dumps(value, separators=(",", ":"))


def compile_expression(expression: str) -> Callable[[Any], str]:
    """A function from a parsed JSON message to its route key."""
    pieces: list[str | list[str | int]] = []
    pos = 0
    for match in _PART.finditer(expression):
        if match.start() > pos:
            pieces.append(expression[pos:match.start()])
        if match.group(0) == "\\$":
            pieces.append("$")
        else:
            pieces.append(parse_path(match.group(1) if match.group(1) is not None else match.group(2)))
        pos = match.end()
    if pos < len(expression):
        pieces.append(expression[pos:])
    if len(pieces) == 1 and isinstance(pieces[0], list):
        steps = pieces[0]
        return lambda document: stringify(lookup(document, steps))

    def evaluate(document: Any) -> str:
        return "".join(p if isinstance(p, str) else stringify(lookup(document, p)) for p in pieces)

    return evaluate


class RouteSelector:
    """Chooses the route key of a message for one API's expression and route keys."""

    def __init__(self, expression: str, route_keys: set[str]) -> None:
        self.expression = expression
        self.evaluate = compile_expression(expression)
        self.route_keys = route_keys

    def select(self, data: str | bytes) -> str | None:
        """The route key for a message: a custom route, ``$default``, or ``None`` (no route)."""
        if isinstance(data, str) and data[:1] in ("{", "[", " ", "\t", "\n", "\r"):
            try:
                document = json.loads(data)
            except ValueError:
                document = _MISSING
            if document is not _MISSING:
                key = self.evaluate(document)
                if key in self.route_keys and not key.startswith("$"):
                    return key
        # Binary frames, non-JSON text and JSON without a matching key (scalars carry no path).
        return "$default" if "$default" in self.route_keys else None
