"""The Lambda functions a spec uses (route integrations, authorizers, anywhere in the spec)."""

from __future__ import annotations

from typing import Any

from pytest_apigw.spec import Function

#: Objects of these modules are walked; anything else (handlers, user objects) is a leaf.
_SPEC_PACKAGE = "pytest_apigw.spec"
#: A bound on the walk (a spec has far fewer objects; a cycle cannot make it run away).
_MAX_OBJECTS = 100_000


def functions_of(api: Any) -> set[Function]:
    """Every :class:`Function` reachable from ``api`` through spec objects, lists and dicts."""
    found: set[Function] = set()
    seen: set[int] = set()
    stack: list[Any] = [api]
    while stack and len(seen) < _MAX_OBJECTS:
        obj = stack.pop()
        if id(obj) in seen:
            continue
        seen.add(id(obj))
        if isinstance(obj, Function):
            found.add(obj)
        elif isinstance(obj, list | tuple | set | frozenset):
            stack.extend(obj)
        elif isinstance(obj, dict):
            stack.extend(obj.values())
        elif type(obj).__module__.startswith(_SPEC_PACKAGE) and hasattr(obj, "__dict__"):
            stack.extend(vars(obj).values())
    return found
