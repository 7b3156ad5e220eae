"""Per-invocation environment for in-process handlers, without leaking between handlers.

``os.environ`` is one object shared by every thread, so an in-process handler cannot simply be
given its own. While the embedded backend runs, ``os.environ``'s class is swapped for a subclass
that, inside an invocation (a context variable is set), reads and writes a private copy: the
process environment plus the function's ``environment`` plus Lambda's variables. Outside an
invocation it is the ordinary ``os.environ``. Every reference to ``os.environ`` sees this,
including ``from os import environ`` made before.
"""

from __future__ import annotations

import contextvars
import os
import threading
from collections.abc import Iterator

_overlay: contextvars.ContextVar[dict[str, str] | None] = contextvars.ContextVar(
    "pytest_apigw_environ", default=None
)
_BaseEnviron = type(os.environ)
_installs = 0
_lock = threading.Lock()


class _InvocationEnviron(_BaseEnviron):  # type: ignore[misc,valid-type]
    def __getitem__(self, key: str) -> str:
        overlay = _overlay.get()
        return overlay[key] if overlay is not None else super().__getitem__(key)

    def __setitem__(self, key: str, value: str) -> None:
        overlay = _overlay.get()
        if overlay is not None:
            overlay[key] = value
        else:
            super().__setitem__(key, value)

    def __delitem__(self, key: str) -> None:
        overlay = _overlay.get()
        if overlay is not None:
            del overlay[key]
        else:
            super().__delitem__(key)

    def __iter__(self) -> Iterator[str]:
        overlay = _overlay.get()
        return iter(list(overlay)) if overlay is not None else super().__iter__()

    def __len__(self) -> int:
        overlay = _overlay.get()
        return len(overlay) if overlay is not None else super().__len__()

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
        if _installs == 0 and type(os.environ) is _InvocationEnviron:
            os.environ.__class__ = _BaseEnviron


def activate(variables: dict[str, str]) -> None:
    """Inside the current context, ``os.environ`` becomes the process env plus ``variables``.

    Call it in a copied context (``contextvars.copy_context().run``): it is never reset.
    """
    _overlay.set({**os.environ, **variables})
