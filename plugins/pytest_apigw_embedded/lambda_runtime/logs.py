"""Collect the ``logging`` records an in-process handler emits, per invocation."""

from __future__ import annotations

import contextvars
import logging

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
