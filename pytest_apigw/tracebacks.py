"""Short tracebacks for pytest-apigw's own errors: a :class:`~pytest_apigw.SpecError` (or any
:class:`~pytest_apigw.ApigwError`) is reported at the user's line with its message, without the
dozens of frames of the plugin, the backend and the spec validation it passed through."""

from __future__ import annotations

from pathlib import Path
from types import TracebackType

import pytest
from _pytest._code import Traceback  # the type ExceptionInfo.traceback holds

from pytest_apigw.errors import ApigwError

#: Folders whose frames are hidden: the core package and the backends shipped with it.
_OURS = (Path(__file__).resolve().parent, Path(__file__).resolve().parent.parent / "plugins")


def _ours(path: object) -> bool:
    try:
        resolved = Path(str(path)).resolve()
    except (OSError, ValueError):
        return False
    return any(resolved.is_relative_to(root) for root in _OURS) and "contract" not in resolved.parts


def _trimmed(tb: TracebackType | None) -> TracebackType | None:
    """The first of ``tb``'s frames that is not pytest-apigw's, the others relinked after it;
    ``None`` when nothing was dropped or no user frame is left (the traceback stays as it is)."""
    nodes: list[TracebackType] = []
    while tb is not None:
        nodes.append(tb)
        tb = tb.tb_next
    kept = [node for node in nodes if not _ours(node.tb_frame.f_code.co_filename)]
    if not kept or len(kept) == len(nodes):
        return None
    for node, following in zip(kept, [*kept[1:], None], strict=True):
        node.tb_next = following
    return kept[0]


def hide_own_frames(excinfo: pytest.ExceptionInfo[BaseException]) -> None:
    """Drop pytest-apigw's frames from ``excinfo`` when it is one of its errors, so the report
    shows the user's line and the message; the same for the exception it was raised from (a
    handler's import failing at deploy reads as the user's module failing: ``KeyError:
    'TABLE_NAME'`` at their ``os.environ[...]``, not inside the plugin's environment overlay).
    The raw traceback is relinked (pytest re-walks it from the test's frame when it cuts a
    traceback); nothing changes when no user frame is left."""
    if not isinstance(excinfo.value, ApigwError) or excinfo.tb is None:
        return
    cause = excinfo.value.__cause__
    if cause is not None and (head := _trimmed(cause.__traceback__)) is not None:
        cause.__traceback__ = head
    head = _trimmed(excinfo.tb)
    if head is not None:
        excinfo.traceback = Traceback(head)
