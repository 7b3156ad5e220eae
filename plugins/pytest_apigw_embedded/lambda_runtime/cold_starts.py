"""A new deployment starts cold: the modules an in-process handler's import brought in from the
function's own code are forgotten once no deployment uses the function.

On Lambda a new deployment runs in new execution environments: the handler's module, and the
modules of the function's code it imports, start afresh. In-process, Python keeps every imported
module in ``sys.modules``, so a counter, a cache or a client a handler keeps at module level
would carry over into the next test's deployment, and that test would see what the last one
did. So, while a function's handler is imported (:meth:`ColdStarts.prepare`), the modules the
import adds are noted when they are the function's own: the handler's module, and the ``.py``
files of its ``code`` directory, but not a library vendored there with its ``*.dist-info`` (as
``sam build`` bundles them) and never a compiled extension (which cannot be imported twice). When
the last function using them is released, they leave ``sys.modules`` and the next deployment
imports them again. Warm reuse is unchanged: within one deployment, or while a deployment shared
by several tests (a module- or session-scoped fixture) lives, they stay.

A module the test process imported before the deploy (``import db`` at the top of a test module,
``monkeypatch.setattr("db.TABLE", ...)`` before ``apigw.deploy``) belongs to the test: the handler
shares it as it is, so patching it reaches the handler, and it is never dropped.
"""

from __future__ import annotations

import importlib.metadata
import os
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pytest_apigw.spec.function import Function


def vendored(code: Path) -> frozenset[str]:
    """The top-level names of the distributions installed into ``code`` (``*.dist-info``)."""
    names: set[str] = set()
    for dist in importlib.metadata.distributions(path=[str(code)]):
        top_level = dist.read_text("top_level.txt")
        if top_level:
            names.update(line.strip() for line in top_level.splitlines() if line.strip())
        for file in dist.files or ():
            parts = file.parts
            if parts and not parts[0].endswith((".dist-info", ".data")) and parts[0] != "..":
                names.add(parts[0].removesuffix(".py"))
    return frozenset(names)


class ColdStarts:
    """The modules each prepared in-process function brought in, and who still uses them."""

    def __init__(self) -> None:
        #: Module name → the module object noted and the prepared functions using it.
        self._modules: dict[str, tuple[ModuleType, set[Function]]] = {}
        self._vendored: dict[Path, frozenset[str]] = {}

    def prepare(self, function: Function, resolve: Callable[[], Any]) -> Any:
        """``resolve()`` (the import of ``function``'s handler), noting the function's own
        modules it adds to ``sys.modules``; its result."""
        if not isinstance(function.handler, str):  # a callable: nothing imported for it
            return resolve()
        before = set(sys.modules)
        handler = resolve()
        # the handler's module: by the name it was loaded under (a function's code is loaded
        # under a name of its own), or as the handler names it (``pkg.app`` without ``code``)
        handler_modules = {getattr(handler, "__module__", None), function.module_name}
        for name in sys.modules.keys() - before:
            module = sys.modules.get(name)
            if module is not None and self._own(function, name, module, handler_modules):
                self._modules[name] = (module, {function})
        # Those noted for a function still prepared (the same code, deployed again meanwhile)
        # are this one's too: they leave only when both are released.
        for name, (module, users) in self._modules.items():
            if function not in users and (name in handler_modules or self._inside(function, module)):
                users.add(function)
        return handler

    def _own(self, function: Function, name: str, module: ModuleType, handler_modules: set[str | None]
             ) -> bool:
        file = getattr(module, "__file__", None)
        if not isinstance(file, str) or not file.endswith(".py"):
            return False  # built in, a namespace package, a compiled extension
        if name in handler_modules:
            return True
        if function.code is None or not self._inside(function, module):
            return False
        return name.partition(".")[0] not in self._vendored_in(function.code)

    @staticmethod
    def _inside(function: Function, module: ModuleType) -> bool:
        file = getattr(module, "__file__", None)
        return (function.code is not None and isinstance(file, str)
                and file.startswith(str(function.code) + os.sep))

    def _vendored_in(self, code: Path) -> frozenset[str]:
        names = self._vendored.get(code)
        if names is None:
            names = self._vendored[code] = vendored(code)
        return names

    def release(self, functions: Iterable[Function]) -> None:
        """``functions`` are no longer prepared: the modules no other prepared function uses
        leave ``sys.modules`` (unless something else replaced them there meanwhile)."""
        gone = set(functions)
        for name, (module, users) in list(self._modules.items()):
            users -= gone
            if users:
                continue
            del self._modules[name]
            if sys.modules.get(name) is module:
                del sys.modules[name]

    def close(self) -> None:
        """Forget every noted module (the runtime closes)."""
        for name, (module, _) in self._modules.items():
            if sys.modules.get(name) is module:
                del sys.modules[name]
        self._modules.clear()
