"""Explicit examples of the conformance cases that draw with ``st.data()``.

Hypothesis cannot build an ``st.data()`` object for an ``@example``; a case passes it a
:class:`Scripted` instead, which answers each ``data.draw(strategy, label=...)`` from a script
keyed by the draw's label. A label ``"request 3"`` is looked up as itself, then as ``"request"``,
whose value is a list taken in turn; past its end the last value repeats (an external backend's
deployment serves more requests than the embedded one's: a script ends on a cheap one). So
every profile, on every backend, first runs the edge cases AWS documents
(an expired token, a missing scope, a cache entry per identity, a route's own throttle, limits
at ±1 byte, ...) whatever the generated examples happen to draw, and a failing one prints its
whole script (``Failing explicit example: ...(data=scripted({...}))``).

A script names only values every backend can serve (payload 2.0, ``$default`` stages, ...).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar, cast

from hypothesis import strategies as st

from pytest_apigw.errors import SpecError

T = TypeVar("T")


class Scripted:
    """A stand-in for the ``st.data()`` argument of a case: draws come from a script."""

    def __init__(self, script: Mapping[str, Any]) -> None:
        self.script = dict(script)

    def draw(self, strategy: st.SearchStrategy[Any], label: Any = None) -> Any:
        """The scripted value of ``label`` (``strategy`` is not drawn from)."""
        name = str(label)
        if name in self.script:
            return self.script[name]
        base, _, index = name.rpartition(" ")
        values = self.script.get(base)
        if index.isdigit() and isinstance(values, Sequence) and not isinstance(values, str) and values:
            return values[min(int(index), len(values) - 1)]
        raise SpecError("explicit example", f"the script has no value for the draw {name!r} "
                        f"(it scripts {sorted(self.script)}): add one")

    def __repr__(self) -> str:
        items = ", ".join(f"{k!r}: {v!r}" for k, v in self.script.items())
        return f"scripted({{{items}}})"


def scripted(script: Mapping[str, Any]) -> st.DataObject:
    """The ``data`` argument of an explicit example: ``script`` maps draw labels to values."""
    return cast(st.DataObject, Scripted(script))


@dataclass(frozen=True)
class Recipe:
    """A scripted value built when drawn, from what only the running case knows (a fixture's
    ports, the payload versions the backend serves): a fresh spec for every run."""

    build: Callable[..., Any]
    description: str

    def __repr__(self) -> str:
        return f"Recipe({self.description!r})"


def draw(data: st.DataObject, strategy: st.SearchStrategy[T], label: str, **context: Any) -> T:
    """``data.draw(strategy, label=label)``; in an explicit example whose script gives a
    :class:`Recipe` for ``label``, the recipe built with ``context``."""
    value = data.draw(strategy, label=label)
    return cast(T, value.build(**context)) if isinstance(value, Recipe) else value
