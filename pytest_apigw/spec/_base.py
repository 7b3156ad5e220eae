"""Shared pieces of the constructs: ids, type checks, the naming used in errors."""

from __future__ import annotations

import re
from typing import Any

from pytest_apigw.errors import SpecError

_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]*\Z")


class Construct:
    """A named piece of a spec. Building one starts nothing: it is plain data."""

    kind: str = "Construct"

    def __init__(self, id: str) -> None:  # noqa: A002 - CDK's own name
        if not isinstance(id, str) or not _ID_RE.match(id):
            raise SpecError(
                f"{self.kind} {id!r}",
                "id must be a non-empty string of letters, digits, '_', '-' or '.' "
                "starting with a letter or digit",
            )
        self.id = id

    @property
    def label(self) -> str:
        """How errors name this construct: ``Kind 'id'``."""
        return f"{self.kind} {self.id!r}"

    def error(self, message: str) -> SpecError:
        """A :class:`SpecError` naming this construct."""
        return SpecError(self.label, message)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.id!r})"


def expect_type(owner: str, name: str, value: Any, types: type | tuple[type, ...]) -> None:
    """Raise a :class:`SpecError` unless ``value`` is an instance of ``types``."""
    if not isinstance(value, types):
        wanted = (
            " or ".join(t.__name__ for t in types) if isinstance(types, tuple) else types.__name__
        )
        raise SpecError(
            owner, f"{name} must be a {wanted}, got {type(value).__name__} {value!r}"
        )


def expect_items(owner: str, name: str, value: Any) -> tuple[Any, ...]:
    """The items of a list-like ``value`` (a list, tuple, set or generator, never a lone string);
    a :class:`SpecError` naming ``name`` otherwise."""
    if isinstance(value, str | bytes | dict) or not hasattr(value, "__iter__"):
        raise SpecError(owner, f"{name} must be a list, got {type(value).__name__} {value!r}")
    return tuple(value)


def expect_bool(owner: str, name: str, value: Any) -> bool:
    """``value`` when it is a bool; a :class:`SpecError` naming ``name`` otherwise."""
    if not isinstance(value, bool):
        raise SpecError(owner, f"{name} must be True or False, got {type(value).__name__} {value!r}")
    return value


def expect_text(owner: str, name: str, value: Any, *, max_length: int = 1024) -> str | None:
    """``value`` when it is ``None`` or a one-line string of at most ``max_length`` characters."""
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > max_length or "\n" in value or "\r" in value:
        raise SpecError(owner, f"{name} must be a one-line string of at most {max_length} characters, "
                        f"got {value!r}")
    return value


def string_map(owner: str, name: str, value: Any) -> dict[str, str]:
    """Validate a ``{str: str}`` map (environment, stage variables) and copy it."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise SpecError(owner, f"{name} must be a dict of str to str, got {type(value).__name__}")
    for key, val in value.items():
        if not isinstance(key, str) or not isinstance(val, str):
            raise SpecError(owner, f"{name} must map str to str, got {key!r}: {val!r}")
    return dict(value)
