"""A function's own modules, as Lambda gives them to it, for in-process handlers.

Lambda imports a function's handler in an execution environment of its own, its code first on
the path: the modules of its code are its own, and a new deployment starts them afresh.
In-process, one interpreter and one ``sys.modules`` serve every function and every test, so
:class:`FunctionModules` does three things around each handler import (:meth:`~FunctionModules.prepare`):

- **Own copies.** A module of this function's code that another function's import brought in
  under the same name (a ``utils.py`` in each function's folder, as CDK and SAM projects lay them
  out) is set aside while this function's handler is imported, with the function's code first on
  ``sys.path``: each handler gets the ``utils`` of its own folder. (This holds for the imports a
  module makes as it loads; one made later, inside a handler call, gets whichever is in
  ``sys.modules`` then: ``isolation="process"`` for that.)
- **Cold starts.** The modules the import adds that are the function's own (the handler's module,
  the ``.py`` files of its code, but not a library vendored there with its ``*.dist-info`` as
  ``sam build`` bundles them, and never a compiled extension, which cannot be imported twice) are
  noted with the logging handlers, logger levels and ``sys.path`` entries the import added or
  set. When the last function using them is released they leave ``sys.modules`` (the handlers
  their loggers, or each cold start would add one more; the levels go back; the entries leave
  ``sys.path``), and the next deployment imports them again: a counter, a cache or a client
  kept at module level does not carry over into the next test. Warm reuse is unchanged: within
  one deployment, or while a deployment shared by several tests (a module- or session-scoped
  fixture) lives.
- **The test's modules.** A module the test process imported itself before the deploy (``import
  db`` at the top of a test module, ``monkeypatch.setattr("db.TABLE", ...)``) is the test's: the
  handler shares it as it is (patching it reaches the handler), and it is never set aside nor
  dropped. When it is another file than the function's own module of that name, a
  ``RuntimeWarning`` at deploy says the handler gets the test's (as for a layer's module).
"""

from __future__ import annotations

import logging
import os
import sys
import warnings
from collections.abc import Callable, Iterable
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

from pytest_apigw_embedded.lambda_runtime.layers import folder_modules

if TYPE_CHECKING:
    from pytest_apigw.spec.function import Function


def same_module(origin: str, where: str) -> bool:
    """``origin`` (a loaded module's file) is the module at ``where`` (a file or a package
    folder); hard links and symlinks count as the same file."""
    candidate = os.path.join(where, "__init__.py") if os.path.isdir(where) else where
    try:
        if os.path.exists(candidate) and os.path.samefile(origin, candidate):
            return True
    except OSError:
        pass
    real = os.path.realpath(where)
    return os.path.realpath(origin) == real or os.path.realpath(origin).startswith(real + os.sep)


def warn_shadowed(function: Function, modules: dict[str, str], whose: str) -> None:
    """Warn for each of ``modules`` (``{name: its file or folder}``, ``whose`` they are: "its
    layer's") already imported in the test process from elsewhere: in-process the handler gets
    that one, where on Lambda it gets its own."""
    for name, where in modules.items():
        loaded = sys.modules.get(name)
        origin = getattr(loaded, "__file__", None) if loaded is not None else None
        if origin is None or same_module(origin, where):
            continue
        warnings.warn(
            f"{function.label}: {whose} module {name!r} ({where}) is already imported in the test "
            f"process from {origin}, so in-process the handler gets that one; use "
            f"isolation='process' for {whose}", RuntimeWarning, stacklevel=3,
        )


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


#: The attributes every logger has; any other one was set on it by code (Powertools marks the
#: logger it adds its handler to with ``powertools_handler``).
_LOGGER_ATTRIBUTES = frozenset(vars(logging.Logger("pytest-apigw-probe")))


_LoggerState = tuple[tuple[logging.Handler, ...], frozenset[str], int]


def _logger_state() -> dict[logging.Logger, _LoggerState]:
    """Every logger's handlers, the attributes code set on it and its level, now (the root
    logger's and each named logger's)."""
    loggers = [logging.getLogger(), *(logger for logger in logging.Logger.manager.loggerDict.values()
                                       if isinstance(logger, logging.Logger))]
    return {logger: (tuple(logger.handlers), frozenset(vars(logger)) - _LOGGER_ATTRIBUTES, logger.level)
            for logger in loggers}


def _module_of(value: Any) -> str:
    """The name of the module ``value`` is, or comes from (``""`` when it says none)."""
    try:
        name = value.__name__ if isinstance(value, ModuleType) else getattr(value, "__module__", None)
    except Exception:  # noqa: BLE001 - an object whose attributes raise says nothing
        return ""
    return name if isinstance(name, str) else ""


def _first_on_path(entry: str) -> None:
    if not sys.path or sys.path[0] != entry:
        if entry in sys.path:
            sys.path.remove(entry)
        sys.path.insert(0, entry)


def _named(function: Function) -> set[str | None]:
    """The module a handler without ``code`` names (``pkg.app`` for ``pkg.app.handler``); with
    ``code`` the module is loaded under a name of the function's own, found from the handler."""
    return {function.module_name} if function.code is None else set()


def _inside(module: ModuleType, code: Path) -> bool:
    file = getattr(module, "__file__", None)
    return isinstance(file, str) and file.startswith(str(code) + os.sep)


class _Import:
    """What one handler import brought in: the function's own modules, the logging handlers it
    added, and the prepared functions using them."""

    __slots__ = ("modules", "handlers", "marks", "levels", "users")

    def __init__(self, modules: dict[str, ModuleType], handlers: list[tuple[logging.Logger, logging.Handler]],
                 marks: list[tuple[logging.Logger, str]], levels: list[tuple[logging.Logger, int, int]],
                 user: Function) -> None:
        self.modules = modules
        self.handlers = handlers
        #: Attributes the import set on loggers (a library's "configured" mark): taken off with
        #: the handlers, or the next cold start finds the mark without the handler it marks.
        self.marks = marks
        #: ``(logger, level before, level set)`` for the loggers whose level the import set (AWS's
        #: own example sets the root logger's: ``logging.getLogger().setLevel("INFO")``).
        self.levels = levels
        self.users = {user}

    def forget(self) -> None:
        """The modules leave ``sys.modules`` (unless something replaced them there meanwhile) and
        the handlers their loggers."""
        for name, module in self.modules.items():
            if sys.modules.get(name) is module:
                del sys.modules[name]
        for logger, handler in self.handlers:
            logger.removeHandler(handler)
        for logger, name in self.marks:
            logger.__dict__.pop(name, None)
        for logger, before, set_to in self.levels:
            if logger.level == set_to:  # unless someone set it again since
                logger.setLevel(before)


class FunctionModules:
    """The modules each prepared in-process function brought in, and who still uses them."""

    def __init__(self) -> None:
        self._imports: list[_Import] = []
        self._vendored: dict[Path, frozenset[str]] = {}
        #: Code folders this put on ``sys.path`` (not there before), and the functions using each.
        self._paths: dict[str, set[Function]] = {}

    def prepare(self, function: Function, resolve: Callable[[], Any]) -> Any:
        """``resolve()`` (the import of ``function``'s handler) with the function's own modules
        (module docstring); its result."""
        if not isinstance(function.handler, str):  # a callable: nothing imported for it
            return resolve()
        code = function.code
        own = self._code_modules(code) if code is not None else {}
        aside = self._set_aside(code, own) if code is not None else {}
        if code is not None:
            self._put_first(str(code), function)
        before, loggers_before, path_before = set(sys.modules), _logger_state(), set(sys.path)
        try:
            try:
                handler = resolve()
            except BaseException:  # what the failed import left of the function's own modules goes
                for name in sys.modules.keys() - before:
                    module = sys.modules.get(name)
                    if module is not None and self._own(function, name, module, _named(function)):
                        del sys.modules[name]
                self._release_paths({function})
                raise
            self._note(function, handler, before, loggers_before)
            self._note_paths(function, path_before)
            self._warn_test_modules(function, handler, own)
        finally:
            sys.modules.update(aside)  # the other functions' modules, for their later imports
        return handler

    def _note(self, function: Function, handler: Any, before: set[str],
              loggers_before: dict[logging.Logger, _LoggerState]) -> None:
        """Note what ``function``'s import added that is its own (modules since ``before``,
        logging handlers, logger attributes and levels since ``loggers_before``), and which
        earlier imports it uses too."""
        # the handler's module, by the name it was loaded under (a function's code is loaded
        # under a name of its own)
        handler_modules = {getattr(handler, "__module__", None), *_named(function)}
        # Imports noted for a function still prepared (the same code, deployed again meanwhile)
        # are this one's too: they are forgotten only when both are released.
        for noted in self._imports:
            if function not in noted.users and any(
                    name in handler_modules or (function.code is not None and _inside(module, function.code))
                    for name, module in noted.modules.items()):
                noted.users.add(function)
        modules = {name: module for name in sys.modules.keys() - before
                   if (module := sys.modules.get(name)) is not None
                   and self._own(function, name, module, handler_modules)}
        if modules:
            added: list[tuple[logging.Logger, logging.Handler]] = []
            marks: list[tuple[logging.Logger, str]] = []
            levels: list[tuple[logging.Logger, int, int]] = []
            for logger, (handlers, attributes, level) in _logger_state().items():
                had_handlers, had_attributes, had_level = loggers_before.get(
                    logger, ((), frozenset(), logging.NOTSET))
                added += [(logger, h) for h in handlers if h not in had_handlers]
                marks += [(logger, name) for name in attributes - had_attributes]
                if level != had_level:
                    levels.append((logger, had_level, level))
            self._imports.append(_Import(modules, added, marks, levels, function))

    def _own(self, function: Function, name: str, module: ModuleType, handler_modules: set[str | None]
             ) -> bool:
        file = getattr(module, "__file__", None)
        if not isinstance(file, str) or not file.endswith(".py"):
            return False  # built in, a namespace package, a compiled extension
        if name in handler_modules:
            return True
        if function.code is None or not _inside(module, function.code):
            return False
        return name.partition(".")[0] not in self._vendored_in(function.code)

    def _vendored_in(self, code: Path) -> frozenset[str]:
        names = self._vendored.get(code)
        if names is None:
            names = self._vendored[code] = vendored(code)
        return names

    def _code_modules(self, code: Path) -> dict[str, str]:
        """``{name: file or package folder}`` of the pure-Python modules at the top of ``code``
        that are the function's own (not vendored)."""
        try:
            found = {name: path for name, path in folder_modules(code).items()
                     if path.endswith(".py") or os.path.isfile(os.path.join(path, "__init__.py"))}
        except OSError:
            return {}
        vendored_names = self._vendored_in(code) if found else frozenset()
        return {name: path for name, path in found.items() if name not in vendored_names}

    def _set_aside(self, code: Path, own: dict[str, str]) -> dict[str, ModuleType]:
        """Take out of ``sys.modules`` the modules of another function's import named as one of
        ``own`` (with their submodules); returned to be put back after this import."""
        aside: dict[str, ModuleType] = {}
        for noted in self._imports:
            for name, module in noted.modules.items():
                if (name.partition(".")[0] in own and not _inside(module, code)
                        and sys.modules.get(name) is module):
                    aside[name] = sys.modules.pop(name)
        return aside

    @staticmethod
    def _warn_test_modules(function: Function, handler: Any, own: dict[str, str]) -> None:
        """The handler's module uses, under the name of one of its code's modules, a module the
        test imported from elsewhere: say so (in-process it gets that one)."""
        module = sys.modules.get(getattr(handler, "__module__", "") or "")
        if module is None or not own:
            return
        named = {_module_of(value).partition(".")[0] for value in vars(module).values()} & own.keys()
        if named:
            warn_shadowed(function, {name: own[name] for name in named}, "the function's own")

    def _put_first(self, entry: str, function: Function) -> None:
        """``entry`` (a code folder) first on ``sys.path`` for ``function``'s import; noted as
        this one's to take off again when it was not on the path already."""
        if entry not in sys.path:
            self._paths[entry] = set()
        if entry in self._paths:
            self._paths[entry].add(function)
        _first_on_path(entry)

    def _note_paths(self, function: Function, before: set[str]) -> None:
        """What the import put on ``sys.path`` (``sys.path.insert(0, here / "vendor")`` in a
        handler module) is the function's, to take off with its code folder; so is such an entry
        of its code another function's import put there first."""
        for entry in sys.path:
            if entry not in before or (entry in self._paths and function.code is not None
                                       and entry.startswith(str(function.code) + os.sep)):
                self._paths.setdefault(entry, set()).add(function)

    def _release_paths(self, gone: set[Function]) -> None:
        """Take the code folders no prepared function uses any more off ``sys.path`` (a test's
        later ``import utils`` then finds its own, not a torn-down function's)."""
        for entry, users in list(self._paths.items()):
            users -= gone
            if not users:
                del self._paths[entry]
                while entry in sys.path:
                    sys.path.remove(entry)

    def release(self, functions: Iterable[Function]) -> None:
        """``functions`` are no longer prepared: what no other prepared function uses is
        forgotten (its modules leave ``sys.modules``, its code folder ``sys.path``; the next
        deployment imports them again)."""
        gone = set(functions)
        kept: list[_Import] = []
        for noted in self._imports:
            noted.users -= gone
            if noted.users:
                kept.append(noted)
            else:
                noted.forget()
        self._imports = kept
        self._release_paths(gone)

    def close(self) -> None:
        """Forget every noted import and code folder (the runtime closes)."""
        for noted in self._imports:
            noted.forget()
        self._imports.clear()
        self._release_paths({user for users in self._paths.values() for user in users})
