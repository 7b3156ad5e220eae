"""``Function``: a Lambda function whose handler is a Python callable or ``"module.func"``."""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import itertools
import re
import sys
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from types import ModuleType
from typing import Any, Literal

from pytest_apigw.errors import SpecError
from pytest_apigw.spec._base import _ID_RE, Construct, string_map
from pytest_apigw.spec.layer import LayerVersion, function_layers

Handler = Callable[[Any, Any], Any]
Isolation = Literal["inprocess", "process"]

#: Lambda's FunctionName rule (a plain name, not an ARN).
_FUNCTION_NAME_RE = re.compile(r"[A-Za-z0-9_\-]{1,64}\Z")
#: Lambda's own default timeout (seconds), as CDK uses it.
DEFAULT_TIMEOUT = 3.0
#: Lambda's hard maximum (seconds).
MAX_TIMEOUT = 900.0

#: Runtimes served through the Lambda Runtime API by a worker process (not Python callables).
NODE_RUNTIMES = frozenset({"nodejs18.x", "nodejs20.x", "nodejs22.x"})
CUSTOM_RUNTIMES = frozenset({"provided", "provided.al2", "provided.al2023"})
#: File extensions a Node.js handler module may have, in the order Lambda's runtime tries them.
NODE_EXTENSIONS = (".js", ".mjs", ".cjs")
#: Numbers each Function's own copy of its handler's module (``_load_module``).
_SERIALS = itertools.count(1)


class Function(Construct):
    """A Lambda function.

    ``handler`` is a callable ``(event, context)`` or a ``"module.func"`` string; with a string,
    ``code`` is the directory holding the module (like a zip's root). ``isolation="inprocess"``
    (the default) runs the handler in the test process, so monkeypatch, moto and coverage see it;
    ``isolation="process"`` runs it in a reusable worker process with its own environment and a
    timeout that is enforced by killing the worker.

    ``runtime="nodejs20.x"`` (also ``18.x``, ``22.x``) runs ``handler="file.export"`` from
    ``code`` with the machine's ``node``; ``runtime="provided.al2023"`` (also ``provided``,
    ``provided.al2``) runs the executable ``bootstrap`` in ``code``. Both talk to the Lambda
    Runtime API, one request per instance at a time; ``reserved_concurrency`` caps the instances
    (more concurrent requests are throttled, as Lambda does).

    ``layers=[LayerVersion(...), ...]`` (at most 5, checked at deploy) adds Lambda layers: their
    ``python/`` and ``python/lib/python3.x/site-packages/`` folders are importable (after the
    function's own code, a later layer before an earlier one), ``nodejs/node_modules/`` is on
    ``NODE_PATH``, ``bin/`` on ``PATH``.
    """

    kind = "Function"

    def __init__(
        self,
        id: str,  # noqa: A002
        *,
        handler: Handler | str,
        code: str | Path | None = None,
        environment: dict[str, str] | None = None,
        timeout: float | timedelta = DEFAULT_TIMEOUT,
        memory_size: int = 128,
        runtime: str = "python3.11",
        isolation: Isolation = "inprocess",
        function_name: str | None = None,
        reserved_concurrency: int | None = None,
        layers: list[LayerVersion] | tuple[LayerVersion, ...] | None = None,
    ) -> None:
        super().__init__(id)
        self.layers: tuple[LayerVersion, ...] = function_layers(self.label, layers)
        self.environment = string_map(self.label, "environment", environment)
        self.timeout = self._timeout(timeout)
        if not isinstance(memory_size, int) or not 128 <= memory_size <= 10240:
            raise self.error(f"memory_size must be an int from 128 to 10240 MB, got {memory_size!r}")
        self.memory_size = memory_size
        if not isinstance(runtime, str) or not runtime:
            raise self.error(f"runtime must be a Lambda runtime name such as 'python3.12', "
                             f"'nodejs20.x' or 'provided.al2023', got {runtime!r}")
        self.runtime = runtime
        if reserved_concurrency is not None and (
            isinstance(reserved_concurrency, bool) or not isinstance(reserved_concurrency, int)
            or reserved_concurrency < 0
        ):
            raise self.error(
                f"reserved_concurrency must be an int >= 0 or None, got {reserved_concurrency!r}"
            )
        self.reserved_concurrency = reserved_concurrency
        if isolation not in ("inprocess", "process"):
            raise self.error(f"isolation must be 'inprocess' or 'process', got {isolation!r}")
        self.isolation: Isolation = isolation
        if function_name is not None and not (
                isinstance(function_name, str) and _FUNCTION_NAME_RE.match(function_name)):
            raise self.error(f"function_name must be 1-64 letters, digits, '-' or '_', got {function_name!r}")
        self.function_name = function_name or id
        if code is not None and not isinstance(code, str | Path):
            raise self.error(f"code must be a directory path (str or Path), got {type(code).__name__} "
                             f"{code!r}")
        #: ``function_name`` was given: backends that provision use it as is (CloudFormation's
        #: ``FunctionName``); otherwise they make a unique name from the id.
        self.named = function_name is not None
        self.code = Path(code).resolve() if code is not None else None
        self.handler = handler
        self._serial = next(_SERIALS)
        self._check_handler()

    def _timeout(self, value: float | timedelta) -> float:
        seconds = value.total_seconds() if isinstance(value, timedelta) else value
        if isinstance(seconds, bool) or not isinstance(seconds, int | float):
            raise self.error(f"timeout must be seconds (a number or timedelta), got {value!r}")
        if not 0 < seconds <= MAX_TIMEOUT:
            raise self.error(f"timeout must be more than 0 and at most {MAX_TIMEOUT:.0f} s, got {seconds}")
        return float(seconds)

    @property
    def runtime_family(self) -> str:
        """``"node"``, ``"custom"`` or ``"python"``: which kind of runtime serves the handler.

        A Python callable is always ``"python"`` (in-process or a worker): it is a test double
        standing in for the function's code, whatever ``runtime`` the function declares (e.g.
        ``load_template(..., handlers={...})`` over a Node.js function)."""
        if callable(self.handler):
            return "python"
        if self.runtime in NODE_RUNTIMES:
            return "node"
        if self.runtime in CUSTOM_RUNTIMES:
            return "custom"
        return "python"

    def _check_handler(self) -> None:
        family = self.runtime_family
        if family == "node":
            self._check_node_handler()
            return
        if family == "custom":
            self._check_custom_handler()
            return
        known = NODE_RUNTIMES | CUSTOM_RUNTIMES
        if self.runtime.startswith(("nodejs", "provided")) and self.runtime not in known:
            supported = ", ".join(sorted(known))
            raise self.error(f"runtime {self.runtime!r} is not supported; use one of {supported}")
        if callable(self.handler):
            return
        if not isinstance(self.handler, str):
            raise self.error(
                f"handler must be a callable (event, context) or a 'module.func' string, "
                f"got {type(self.handler).__name__}"
            )
        module, _, func = self.handler.rpartition(".")
        if not module or not func:
            raise self.error(
                f"handler {self.handler!r} must be 'module.function' (e.g. 'app.handler')"
            )
        if self.code is not None:
            if not self.code.is_dir():
                raise self.error(f"code {str(self.code)!r} is not a directory")
            rel = Path(*module.split("."))
            as_module = (self.code / rel).with_suffix(".py")
            if not (as_module.is_file() or (self.code / rel / "__init__.py").is_file()):
                raise self.error(
                    f"handler {self.handler!r} cannot be resolved: no {rel}.py in code "
                    f"directory {str(self.code)!r}"
                )

    def _code_dir(self, what: str) -> Path:
        if self.code is None:
            raise self.error(f"runtime {self.runtime!r} needs code= (the directory holding {what})")
        if not self.code.is_dir():
            raise self.error(f"code {str(self.code)!r} is not a directory")
        return self.code

    def _check_node_handler(self) -> None:
        if not isinstance(self.handler, str):
            raise self.error(
                f"runtime {self.runtime!r} needs handler='file.export' (e.g. 'index.handler'), "
                f"got {type(self.handler).__name__}"
            )
        self._code_dir("the handler's .js/.mjs/.cjs file")
        self.node_module_file()  # raises when the handler has no module part or no file

    def node_module_file(self) -> Path:
        """The file a Node.js handler ``"path/file.export"`` names: ``file`` with ``.js``,
        ``.mjs`` or ``.cjs`` in ``code`` (as Lambda's Node runtime resolves it)."""
        assert isinstance(self.handler, str) and self.code is not None
        head, slash, tail = self.handler.rpartition("/")
        module, dot, export = tail.partition(".")
        if not module or not dot or not export:
            raise self.error(
                f"handler {self.handler!r} must be 'file.export' (e.g. 'index.handler' for the "
                "export 'handler' of index.js/.mjs/.cjs)"
            )
        stem = self.code / (head + slash + module)
        for ext in NODE_EXTENSIONS:
            candidate = stem.with_name(stem.name + ext)
            if candidate.is_file():
                return candidate
        tried = ", ".join(f"{head + slash + module}{ext}" for ext in NODE_EXTENSIONS)
        raise self.error(
            f"handler {self.handler!r} cannot be resolved: none of {tried} in code directory "
            f"{str(self.code)!r}"
        )

    def _check_custom_handler(self) -> None:
        if not isinstance(self.handler, str) or not self.handler:
            raise self.error(
                f"runtime {self.runtime!r} needs handler= a string (given to bootstrap as _HANDLER, "
                f"e.g. 'function.handler'), got {self.handler!r}"
            )
        code = self._code_dir("an executable 'bootstrap'")
        bootstrap = code / "bootstrap"
        # Lambda runs the code's bootstrap, else the one a layer put in /opt (a runtime as a layer)
        if not bootstrap.is_file() and not any(layer.has_file("bootstrap") for layer in self.layers):
            raise self.error(
                f"runtime {self.runtime!r} runs 'bootstrap' from code, but {str(bootstrap)!r} does "
                "not exist: add an executable bootstrap file (the custom runtime's entry point), or "
                "a layer with bootstrap at its root"
            )

    @classmethod
    def of(cls, owner: str, handler: Function | object) -> Function:
        """``handler`` itself when it is a :class:`Function`; a plain callable is wrapped in one
        named after it (an integration given ``handler=my_func`` directly)."""
        if isinstance(handler, Function):
            return handler
        if not callable(handler):
            raise SpecError(
                owner, f"handler must be a Function or a callable (event, context), got "
                f"{type(handler).__name__} {handler!r}",
            )
        name = getattr(handler, "__name__", "").strip("<>_")
        return cls(name if _ID_RE.match(name) else "handler", handler=handler)

    @property
    def module_name(self) -> str | None:
        """The handler's module for a string handler, else ``None``."""
        return self.handler.rpartition(".")[0] if isinstance(self.handler, str) else None

    def resolve(self) -> Handler:
        """Import and return the handler callable.

        With ``code``, the handler's module is loaded from its file under a name of this
        function's own, so functions sharing a module name (``index.handler``) in different
        directories never shadow each other, and two functions of the same code keep separate
        module state, as two Lambda functions do; ``code`` is also put on ``sys.path`` for the
        module's own imports (those modules, imported by their names, are shared in-process).
        Raises :class:`~pytest_apigw.errors.SpecError` naming the handler when it cannot be
        imported or is not callable.
        """
        if callable(self.handler):
            return self.handler
        module_name, _, func_name = self.handler.rpartition(".")
        try:
            module = self._load_module(module_name)
        except Exception as exc:  # the user's module failed to import: say which and why
            raise self.error(f"handler {self.handler!r} cannot be resolved: {exc!r}") from exc
        func: Handler | None = getattr(module, func_name, None)
        if not callable(func):
            raise self.error(
                f"handler {self.handler!r} cannot be resolved: module {module_name!r} has no "
                f"callable {func_name!r}"
            )
        return func

    def _load_module(self, module_name: str) -> ModuleType:
        if self.code is None or "." in module_name:  # a package keeps its name (relative imports)
            if self.code is not None and str(self.code) not in sys.path:
                sys.path.insert(0, str(self.code))
            return importlib.import_module(module_name)
        if str(self.code) not in sys.path:
            sys.path.insert(0, str(self.code))
        rel = self.code / Path(*module_name.split("."))
        path = rel.with_suffix(".py") if rel.with_suffix(".py").is_file() else rel / "__init__.py"
        # a name of this function's own: two functions of the same code (three WebSocket routes'
        # handlers in one file, a template loaded twice) never share the module's state, as
        # two Lambda functions never share memory
        digest = hashlib.sha1(str(self.code).encode()).hexdigest()[:12]
        unique = f"_apigw_code_{digest}_{module_name.replace('.', '_')}_{self._serial}"
        if unique in sys.modules:
            return sys.modules[unique]
        spec = importlib.util.spec_from_file_location(unique, path)
        if spec is None or spec.loader is None:
            raise ImportError(f"no module {module_name!r} in {str(self.code)!r}")
        module = importlib.util.module_from_spec(spec)
        sys.modules[unique] = module
        try:
            spec.loader.exec_module(module)
        except BaseException:
            del sys.modules[unique]
            raise
        return module
