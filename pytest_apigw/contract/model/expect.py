"""Expected values with holes, and the comparison that lists every difference.

A prediction is plain JSON-like data in which some leaves are markers: :data:`PRESENT` (the key
must be there, any value: request ids, timestamps), :data:`ABSENT` (the key must not be there),
:data:`UNSPECIFIED` (AWS documents nothing: not compared) and :class:`OneOf` (AWS's text allows
several readings). Dicts are open: keys the prediction does not mention are not compared.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


class _Marker:
    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"<{self.name}>"


PRESENT = _Marker("present")
ABSENT = _Marker("absent")
UNSPECIFIED = _Marker("unspecified")
_MISSING = _Marker("missing")


@dataclass(frozen=True)
class OneOf:
    """Any of ``options`` is right (each option is itself an expected value)."""

    options: tuple[Any, ...]
    why: str = ""

    def __repr__(self) -> str:
        return "one of " + " | ".join(repr(o) for o in self.options)


@dataclass(frozen=True)
class Diff:
    """One difference: where (``headers.x-a``), what the model predicted, what was observed."""

    where: str
    expected: Any
    observed: Any

    def __str__(self) -> str:
        observed = "<missing>" if self.observed is _MISSING else repr(self.observed)
        return f"{self.where or '<root>'}: model {self.expected!r}, observed {observed}"


def compare(expected: Any, observed: Any, where: str = "") -> list[Diff]:
    """Every place where ``observed`` does not satisfy ``expected``."""
    if expected is UNSPECIFIED:
        return []
    if expected is PRESENT:
        return [Diff(where, expected, observed)] if observed is _MISSING else []
    if expected is ABSENT:
        return [] if observed is _MISSING else [Diff(where, expected, observed)]
    if isinstance(expected, OneOf):
        if any(not compare(option, observed, where) for option in expected.options):
            return []
        return [Diff(where, expected, observed)]
    if isinstance(expected, dict):
        if not isinstance(observed, dict):
            return [Diff(where, expected, observed)]
        diffs: list[Diff] = []
        for key, value in expected.items():
            diffs += compare(value, observed.get(key, _MISSING), f"{where}.{key}" if where else str(key))
        return diffs
    if isinstance(expected, list) and isinstance(observed, list) and len(expected) == len(observed):
        diffs = []
        for index, (exp, obs) in enumerate(zip(expected, observed, strict=True)):
            diffs += compare(exp, obs, f"{where}[{index}]")
        return diffs
    same = expected == observed and type(expected) is type(observed)
    return [] if same else [Diff(where, expected, observed)]
