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
imports them again; a logging handler the import added (``logger.addHandler(...)`` at module
level) is taken off its logger with them, or each cold start would add one more. Warm reuse
is unchanged: within one deployment, or while a deployment shared by several tests (a module- or
session-scoped fixture) lives, they stay.

A module the test process imported before the deploy (``import db`` at the top of a test module,
``monkeypatch.setattr("db.TABLE", ...)`` before ``apigw.deploy``) belongs to the test: the handler
shares it as it is, so patching it reaches the handler, and it is never dropped.
"""

from __future__ import annotations

import logging
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
    import importlib.metadata  # only for a function with code (a first deploy need not import it)

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


def _logger_handlers() -> dict[logging.Logger, tuple[logging.Handler, ...]]:
    """Every logger's handlers now (the root logger's and each named logger's)."""
    loggers = [logging.getLogger(), *(logger for logger in logging.Logger.manager.loggerDict.values()
                                       if isinstance(logger, logging.Logger))]
    return {logger: tuple(logger.handlers) for logger in loggers}


class _Import:
    """What one handler import brought in: the function's own modules, the logging handlers it
    added (a module that adds one as it is imported would add it again at every cold start), and
    the prepared functions using them."""

    __slots__ = ("modules", "handlers", "users")

    def __init__(self, modules: dict[str, ModuleType], handlers: list[tuple[logging.Logger, logging.Handler]],
                 user: Function) -> None:
        self.modules = modules
        self.handlers = handlers
        self.users = {user}

    def forget(self) -> None:
        """The modules leave ``sys.modules`` (unless something replaced them there meanwhile) and
        the handlers their loggers."""
        for name, module in self.modules.items():
            if sys.modules.get(name) is module:
                del sys.modules[name]
        for logger, handler in self.handlers:
            logger.removeHandler(handler)


class ColdStarts:
    """The modules each prepared in-process function brought in, and who still uses them."""

    def __init__(self) -> None:
        self._imports: list[_Import] = []
        self._vendored: dict[Path, frozenset[str]] = {}

    def prepare(self, function: Function, resolve: Callable[[], Any]) -> Any:
        """``resolve()`` (the import of ``function``'s handler), noting the function's own
        modules it adds to ``sys.modules``; its result."""
        if not isinstance(function.handler, str):  # a callable: nothing imported for it
            return resolve()
        before, handlers_before = set(sys.modules), _logger_handlers()
        handler = resolve()
        # the handler's module: by the name it was loaded under (a function's code is loaded
        # under a name of its own), or as the handler names it (``pkg.app`` without ``code``)
        handler_modules = {getattr(handler, "__module__", None), function.module_name}
        # Imports noted for a function still prepared (the same code, deployed again meanwhile)
        # are this one's too: they are forgotten only when both are released.
        for noted in self._imports:
            if function not in noted.users and any(
                    name in handler_modules or self._inside(function, module)
                    for name, module in noted.modules.items()):
                noted.users.add(function)
        modules = {name: module for name in sys.modules.keys() - before
                   if (module := sys.modules.get(name)) is not None
                   and self._own(function, name, module, handler_modules)}
        if modules:
            added = [(logger, h) for logger, now in _logger_handlers().items()
                     for h in now if h not in handlers_before.get(logger, ())]
            self._imports.append(_Import(modules, added, function))
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
        """``functions`` are no longer prepared: what no other prepared function uses is
        forgotten (its modules leave ``sys.modules``; the next deployment imports them again)."""
        gone = set(functions)
        kept: list[_Import] = []
        for noted in self._imports:
            noted.users -= gone
            if noted.users:
                kept.append(noted)
            else:
                noted.forget()
        self._imports = kept

    def close(self) -> None:
        """Forget every noted import (the runtime closes)."""
        for noted in self._imports:
            noted.forget()
        self._imports.clear()
