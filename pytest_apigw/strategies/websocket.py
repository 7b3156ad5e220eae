"""WebSocket message sequences aimed at a route selection expression's routes."""

from __future__ import annotations

import json
import re

from hypothesis import strategies as st

__all__ = ["websocket_messages", "websocket_sessions"]

_BODY_PATH = re.compile(r"\$\{?request\.body\.([A-Za-z0-9_.\-]+)\}?")


def _json_values() -> st.SearchStrategy[object]:
    scalars = st.one_of(st.none(), st.booleans(), st.integers(-100, 100), st.text(max_size=8))
    return st.recursive(scalars, lambda inner: st.lists(inner, max_size=3)
                        | st.dictionaries(st.text(max_size=4), inner, max_size=3), max_leaves=6)


def _set(target: dict[str, object], dotted: str, value: object) -> None:
    parts = dotted.split(".")
    for part in parts[:-1]:
        nxt = target.get(part)
        if not isinstance(nxt, dict):
            nxt = target[part] = {}
        target = nxt
    target[parts[-1]] = value


@st.composite
def websocket_messages(
    draw: st.DrawFn,
    *,
    route_keys: list[str] | tuple[str, ...] = (),
    route_selection_expression: str = "$request.body.action",
) -> str:
    """Text messages: JSON objects whose selection field names one of ``route_keys``, another
    value, or is missing; a JSON value that is not an object; or text that is not JSON."""
    fields = _BODY_PATH.findall(route_selection_expression)
    keys = [k for k in route_keys if not k.startswith("$")]
    kind = draw(st.sampled_from(["route", "other", "missing", "scalar", "text"]))
    if kind == "text":
        return draw(st.text(max_size=20).filter(lambda t: not _is_json(t)))
    if kind == "scalar":
        return json.dumps(draw(_json_values()))
    message = draw(st.dictionaries(st.sampled_from(["data", "n", "x"]), _json_values(), max_size=3))
    if kind != "missing" and fields:
        if kind == "route" and keys and len(fields) == 1:
            _set(message, fields[0], draw(st.sampled_from(keys)))
        else:
            for dotted in fields:
                _set(message, dotted, draw(st.one_of(st.text(max_size=6), st.integers(0, 9))))
    return json.dumps(message)


def _is_json(text: str) -> bool:
    try:
        json.loads(text)
    except ValueError:
        return False
    return True


def websocket_sessions(
    *,
    route_keys: list[str] | tuple[str, ...] = (),
    route_selection_expression: str = "$request.body.action",
    max_size: int = 5,
) -> st.SearchStrategy[list[str]]:
    """Sequences of :func:`websocket_messages` sent over one connection."""
    return st.lists(
        websocket_messages(route_keys=route_keys, route_selection_expression=route_selection_expression),
        max_size=max_size,
    )
