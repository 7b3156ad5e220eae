"""``Function``: a Lambda function whose handler is a Python callable or ``"module.func"``."""

from __future__ import annotations

import importlib
import re
import sys
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any, Literal

from pytest_apigw.errors import SpecError
from pytest_apigw.spec._base import _ID_RE, Construct, string_map

Handler = Callable[[Any, Any], Any]
Isolation = Literal["inprocess", "process"]

#: Lambda's FunctionName rule (a plain name, not an ARN).
_FUNCTION_NAME_RE = re.compile(r"[A-Za-z0-9_\-]{1,64}\Z")
#: Lambda's own default timeout (seconds), as CDK uses it.
DEFAULT_TIMEOUT = 3.0
#: Lambda's hard maximum (seconds).
MAX_TIMEOUT = 900.0


class Function(Construct):
    """A Lambda function.

    ``handler`` is a callable ``(event, context)`` or a ``"module.func"`` string; with a string,
    ``code`` is the directory holding the module (like a zip's root). ``isolation="inprocess"``
    (the default) runs the handler in the test process, so monkeypatch, moto and coverage see it;
    ``isolation="process"`` runs it in a reusable worker process with its own environment and a
    timeout that is enforced by killing the worker.
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
    ) -> None:
        super().__init__(id)
        self.environment = string_map(self.label, "environment", environment)
        self.timeout = self._timeout(timeout)
        if not isinstance(memory_size, int) or not 128 <= memory_size <= 10240:
            raise self.error(f"memory_size must be an int from 128 to 10240 MB, got {memory_size!r}")
        self.memory_size = memory_size
        self.runtime = runtime
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
        self._check_handler()

    def _timeout(self, value: float | timedelta) -> float:
        seconds = value.total_seconds() if isinstance(value, timedelta) else value
        if isinstance(seconds, bool) or not isinstance(seconds, int | float):
            raise self.error(f"timeout must be seconds (a number or timedelta), got {value!r}")
        if not 0 < seconds <= MAX_TIMEOUT:
            raise self.error(f"timeout must be more than 0 and at most {MAX_TIMEOUT:.0f} s, got {seconds}")
        return float(seconds)

    def _check_handler(self) -> None:
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
        """Import and return the handler callable (``code`` is put on ``sys.path`` first).

        Raises :class:`~pytest_apigw.errors.SpecError` naming the handler when it cannot be
        imported or is not callable.
        """
        if callable(self.handler):
            return self.handler
        module_name, _, func_name = self.handler.rpartition(".")
        if self.code is not None and str(self.code) not in sys.path:
            sys.path.insert(0, str(self.code))
        try:
            module = importlib.import_module(module_name)
        except Exception as exc:  # the user's module failed to import: say which and why
            raise self.error(f"handler {self.handler!r} cannot be resolved: {exc!r}") from exc
        func = getattr(module, func_name, None)
        if not callable(func):
            raise self.error(
                f"handler {self.handler!r} cannot be resolved: module {module_name!r} has no "
                f"callable {func_name!r}"
            )
        return func
