"""Collect what an in-process handler writes, per invocation: its ``logging`` records and its
console output (``print()``, ``sys.stderr``), as Lambda sends a function's console to its log.

The console is caught by wrapping ``sys.stdout`` / ``sys.stderr`` in a tee: a write made inside
an invocation's context is filed under that invocation (and still reaches the stream it wraps,
so pytest's own capture shows it too); other writes pass straight through. The tee is put back
around whatever stream is current at each invocation, since pytest swaps its capture streams
between tests.
"""

from __future__ import annotations

import contextvars
import logging
import sys
from typing import Any, TextIO

_current: contextvars.ContextVar[list[str] | None] = contextvars.ContextVar(
    "pytest_apigw_logs", default=None
)


class InvocationLogHandler(logging.Handler):
    """A root-logger handler that files each record under the invocation that emitted it."""

    def __init__(self) -> None:
        super().__init__(logging.NOTSET)
        self.setFormatter(logging.Formatter("[%(levelname)s] %(name)s: %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        lines = _current.get()
        if lines is not None:
            lines.append(self.format(record) + "\n")


def collect_into(lines: list[str]) -> None:
    """In the current (copied) context, send log records to ``lines``."""
    _current.set(lines)


HANDLER = InvocationLogHandler()
#: The context variable :func:`collect_into` sets (for a caller that sets it itself).
CURRENT = _current


class ConsoleTee:
    """A text stream that files writes made during an invocation under it, then passes them on."""

    def __init__(self, inner: TextIO) -> None:
        self._inner = inner

    def write(self, text: str) -> int:
        lines = _current.get()
        if lines is not None:
            lines.append(text)
        return self._inner.write(text)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


def capture_console() -> None:
    """Make ``sys.stdout`` and ``sys.stderr`` tees around the streams current now."""
    if not isinstance(sys.stdout, ConsoleTee):
        sys.stdout = ConsoleTee(sys.stdout)
    if not isinstance(sys.stderr, ConsoleTee):
        sys.stderr = ConsoleTee(sys.stderr)
