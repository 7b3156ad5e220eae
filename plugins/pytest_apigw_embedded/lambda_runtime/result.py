"""What one invocation produced: the handler's return value, or its error and traceback."""

from __future__ import annotations

import traceback as _traceback
from typing import Any

_FIELDS = ("payload", "error_type", "error_message", "traceback", "timed_out", "logs")


class InvokeResult:
    """The outcome of invoking a handler once (pickled between worker processes and us).

    A plain slotted class (a dataclass cost the session's first deploy about 0.35 ms to create)."""

    __slots__ = _FIELDS

    def __init__(self, payload: Any = None, error_type: str | None = None,
                 error_message: str | None = None, traceback: str | None = None,
                 timed_out: bool = False, logs: list[str] | None = None) -> None:
        self.payload = payload
        self.error_type = error_type
        self.error_message = error_message
        self.traceback = traceback
        self.timed_out = timed_out
        self.logs: list[str] = [] if logs is None else logs

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in _FIELDS)
        return f"InvokeResult({fields})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, InvokeResult):
            return NotImplemented
        return all(getattr(self, name) == getattr(other, name) for name in _FIELDS)

    __hash__ = None  # type: ignore[assignment]  # mutable, compared by value (as the dataclass was)

    @property
    def failed(self) -> bool:
        """True when the handler raised, could not run, or timed out."""
        return self.timed_out or self.error_type is not None


def handler_traceback(exc: BaseException) -> str:
    """``exc``'s traceback from the handler's frame on, as Lambda's runtime reports it: the
    runtime's own frame (the one that called the handler) is left out."""
    tb = exc.__traceback__
    return "".join(_traceback.format_exception(type(exc), exc, tb.tb_next if tb is not None else None))
