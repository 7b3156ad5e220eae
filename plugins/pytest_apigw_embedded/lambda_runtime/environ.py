"""Per-invocation environment for in-process handlers, without leaking between handlers.

``os.environ`` is one object shared by every thread, so an in-process handler cannot simply be
given its own. While the embedded backend runs, ``os.environ``'s class is swapped for a subclass
that, inside an invocation (a context variable is set), reads and writes an overlay: the
process environment plus the function's ``environment`` plus Lambda's variables. Outside an
invocation it is the ordinary ``os.environ``. Nothing is copied per invocation: reads fall
through to the process environment. Every reference to ``os.environ`` sees this,
including ``from os import environ`` made before.
"""

from __future__ import annotations

import contextvars
import os
import threading
from collections.abc import Iterator
from typing import TYPE_CHECKING

_overlay: contextvars.ContextVar[_Overlay | None] = contextvars.ContextVar(
    "pytest_apigw_environ", default=None
)
if TYPE_CHECKING:
    _BaseEnviron = os._Environ[str]
else:
    _BaseEnviron = type(os.environ)
_installs = 0
_lock = threading.Lock()


_NOTHING_DELETED: frozenset[str] = frozenset()


class _Overlay:
    """An invocation's changes over the process environment (set and deleted names).

    The function's variables are shared until the invocation first writes (most never do):
    nothing is copied per invocation before that."""

    __slots__ = ("values", "deleted", "_owned")

    def __init__(self, values: dict[str, str]) -> None:
        self.values = values
        self.deleted: set[str] | frozenset[str] = _NOTHING_DELETED
        self._owned = False

    def writable(self) -> tuple[dict[str, str], set[str]]:
        """This invocation's own ``values`` and ``deleted`` (copied on the first write)."""
        if not self._owned:
            self.values = dict(self.values)
            self.deleted = set()
            self._owned = True
        assert isinstance(self.deleted, set)
        return self.values, self.deleted


class _InvocationEnviron(_BaseEnviron):
    def __getitem__(self, key: str) -> str:
        overlay = _overlay.get()
        if overlay is not None:
            if key in overlay.values:
                return overlay.values[key]
            if key in overlay.deleted:
                raise KeyError(key)
        return super().__getitem__(key)

    def __setitem__(self, key: str, value: str) -> None:
        overlay = _overlay.get()
        if overlay is None:
            super().__setitem__(key, value)
            return
        if not isinstance(value, str):
            raise TypeError(f"str expected, not {type(value).__name__}")
        values, deleted = overlay.writable()
        values[key] = value
        deleted.discard(key)

    def __delitem__(self, key: str) -> None:
        overlay = _overlay.get()
        if overlay is None:
            super().__delitem__(key)
            return
        if key not in self:
            raise KeyError(key)
        values, deleted = overlay.writable()
        values.pop(key, None)
        deleted.add(key)

    def __iter__(self) -> Iterator[str]:
        overlay = _overlay.get()
        if overlay is None:
            return super().__iter__()
        base = [k for k in super().__iter__() if k not in overlay.values and k not in overlay.deleted]
        return iter(base + list(overlay.values))

    def __len__(self) -> int:
        overlay = _overlay.get()
        return super().__len__() if overlay is None else sum(1 for _ in self)

    def copy(self) -> dict[str, str]:
        return dict(self)


def install() -> None:
    """Make ``os.environ`` invocation-aware (counted: nested installs are fine)."""
    global _installs
    with _lock:
        if _installs == 0:
            os.environ.__class__ = _InvocationEnviron
        _installs += 1


def uninstall() -> None:
    """Undo one :func:`install`; the last one restores ``os.environ``'s own class."""
    global _installs
    with _lock:
        _installs = max(0, _installs - 1)
        swapped = type(os.environ) is _InvocationEnviron
        if _installs == 0 and swapped:
            os.environ.__class__ = _BaseEnviron


def activate(variables: dict[str, str]) -> None:
    """Inside the current context, ``os.environ`` becomes the process env plus ``variables``
    (reads fall through to the process environment; writes stay in the invocation).

    Call it in a copied context (``contextvars.copy_context().run``): it is never reset.
    """
    _overlay.set(_Overlay(variables))


#: The context variable :func:`activate` sets and its value's class, for a caller that sets it
#: itself (the in-process runtime, per invocation: a function call fewer).
OVERLAY = _overlay
Overlay = _Overlay
