"""WebSocket route selection (``websocket-api-develop-routes.md``,
``apigateway-websocket-api-selection-expressions.md``).

The route selection expression is evaluated on JSON messages (``$request.body.a.b`` or a
template ``${request.body.a}/${request.body.b}``); the result selects a route key; a message
that is not JSON, or whose value names no route, goes to ``$default``; with no ``$default`` the
client gets an error message (``None`` here).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any

_TEMPLATE = re.compile(r"\$\{request\.body\.([A-Za-z0-9_.\-]+)\}")
_PLAIN = re.compile(r"^\$request\.body\.([A-Za-z0-9_.\-]+)$")
_MISSING = object()


def _lookup(body: Any, dotted: str) -> Any:
    for part in dotted.split("."):
        if not isinstance(body, dict) or part not in body:
            return _MISSING
        body = body[part]
    return body


def _text(value: Any) -> str:
    if value is _MISSING or value is None:
        return ""
    return value if isinstance(value, str) else json.dumps(value)


def selection_value(expression: str, message: str) -> str | None:
    """The expression's value for ``message``; ``None`` when the message is not JSON."""
    try:
        body = json.loads(message)
    except ValueError:
        return None
    plain = _PLAIN.match(expression)
    if plain:
        return _text(_lookup(body, plain.group(1)))
    return _TEMPLATE.sub(lambda m: _text(_lookup(body, m.group(1))), expression)


def select_websocket_route(route_keys: Iterable[str], expression: str, message: str) -> str | None:
    """The route key serving ``message`` (``$default`` as fallback), or ``None``: no route."""
    keys = set(route_keys)
    value = selection_value(expression, message)
    if value is not None and value in keys and not value.startswith("$"):
        return value
    return "$default" if "$default" in keys else None
