"""SIGTERM as an interrupt, so a cancelled CI job still tears down what it created.

CI systems stop a job with SIGTERM (then SIGKILL after a grace period). Python's default for
SIGTERM ends the process at once, skipping every ``finally`` and pytest's teardown: every
resource of the run would be left in the account. While a backend that creates real resources
is open, SIGTERM raises :class:`KeyboardInterrupt` in the main thread instead, which pytest
handles like Ctrl-C: it stops, tears fixtures down and closes the backend (deleting what the
ledgers recorded). A second SIGTERM during that teardown is ignored so it can finish.
"""

from __future__ import annotations

import signal
import threading
from types import FrameType
from typing import Any

_installed: list[Any] = []  # the previous handler, while installed


def _on_sigterm(signum: int, frame: FrameType | None) -> None:
    signal.signal(signal.SIGTERM, signal.SIG_IGN)  # let the teardown finish
    raise KeyboardInterrupt("SIGTERM: stopping and tearing down what this run created")


def install() -> bool:
    """Route SIGTERM to :class:`KeyboardInterrupt` (main thread only; ``False`` elsewhere)."""
    if _installed or threading.current_thread() is not threading.main_thread():
        return bool(_installed)
    _installed.append(signal.signal(signal.SIGTERM, _on_sigterm))
    return True


def uninstall() -> None:
    """Put the previous SIGTERM handler back."""
    if _installed and threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _installed.pop())
