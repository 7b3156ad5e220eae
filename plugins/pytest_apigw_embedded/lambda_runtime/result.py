"""What one invocation produced: the handler's return value, or its error and traceback."""

from __future__ import annotations

import traceback as _traceback
from dataclasses import dataclass, field
from typing import Any


@dataclass
class InvokeResult:
    """The outcome of invoking a handler once."""

    payload: Any = None
    error_type: str | None = None
    error_message: str | None = None
    traceback: str | None = None
    timed_out: bool = False
    logs: list[str] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        """True when the handler raised, could not run, or timed out."""
        return self.timed_out or self.error_type is not None


def handler_traceback(exc: BaseException) -> str:
    """``exc``'s traceback from the handler's frame on, as Lambda's runtime reports it: the
    runtime's own frame (the one that called the handler) is left out."""
    tb = exc.__traceback__
    return "".join(_traceback.format_exception(type(exc), exc, tb.tb_next if tb is not None else None))
