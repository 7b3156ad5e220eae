"""Run a coroutine eagerly: its first step now, in the caller; a Task only if it has to wait.

Most HTTP requests through the gateway never wait on anything (a 404, a preflight, an in-process
Lambda answered within the hand-off wait of ``lambda_runtime/inprocess.py``), so creating an
asyncio Task for each (an object, a scheduled callback, a loop iteration) is pure overhead.
:func:`start` runs the coroutine's first step inside a copied context; when it finishes, the
result is handed on at once; when it waits on a future, a Task takes over from there, in the
same context, awaiting that same future (what Python 3.12's eager tasks do, for 3.11).

During the first step ``asyncio.current_task()`` is a stand-in (:class:`_PendingTask`), so
``asyncio.timeout()`` and friends work there too: a cancellation asked of the stand-in is
passed on to the Task once it exists.
"""

from __future__ import annotations

import asyncio
import contextvars
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

T = TypeVar("T")


class _PendingTask:
    """``current_task()`` during the first step: records what is asked of the task until the
    real one exists, then forwards everything to it."""

    def __init__(self) -> None:
        self._task: asyncio.Task[Any] | None = None
        self._cancels: list[Any] = []

    def bind(self, task: asyncio.Task[Any]) -> None:
        self._task = task
        for msg in self._cancels:
            task.cancel(msg)
        self._cancels.clear()

    def cancel(self, msg: Any = None) -> bool:
        if self._task is not None:
            return self._task.cancel(msg)
        self._cancels.append(msg)
        return True

    def cancelling(self) -> int:
        return self._task.cancelling() if self._task is not None else len(self._cancels)

    def uncancel(self) -> int:
        if self._task is not None:
            return self._task.uncancel()
        if self._cancels:
            self._cancels.pop()
        return len(self._cancels)

    def done(self) -> bool:
        return self._task.done() if self._task is not None else False

    def __getattr__(self, name: str) -> Any:
        task = self.__dict__.get("_task")
        if task is None:
            raise AttributeError(f"{name!r}: the request's task does not exist yet (first step)")
        return getattr(task, name)


async def _rest(coro: Coroutine[Any, Any, T], waiting: Any) -> T:
    """Drive ``coro`` from where its first step stopped (waiting on ``waiting``)."""
    while True:
        try:
            if waiting is None:  # a bare ``yield`` (asyncio.sleep(0)): give the loop one turn
                await asyncio.sleep(0)
            else:
                waiting._asyncio_future_blocking = False
                await waiting
        except asyncio.CancelledError:
            if not (isinstance(waiting, asyncio.Future) and waiting.cancelled()):
                # Cancelled while the awaited future could not be: the coroutine must see it.
                try:
                    waiting = coro.throw(asyncio.CancelledError())
                except StopIteration as stop:
                    return stop.value  # type: ignore[no-any-return]
                continue
        except BaseException:  # noqa: S110 - the coroutine gets the future's exception itself
            pass
        try:
            waiting = coro.send(None)
        except StopIteration as stop:
            return stop.value  # type: ignore[no-any-return]


def start(
    coro: Coroutine[Any, Any, T], done: Callable[[T], None], failed: Callable[[BaseException], None],
) -> asyncio.Task[Any] | None:
    """Run ``coro``'s first step now; ``done(result)`` or ``failed(exc)`` when it ends (at
    once if it never waited, else at the end of the Task carrying it). Returns that Task, or ``None``
    when ``coro`` finished in its first step. Call it from a loop callback, not inside a Task
    (inside one, the coroutine simply gets a Task of its own)."""
    loop = asyncio.get_running_loop()
    context = contextvars.copy_context()
    if asyncio.current_task(loop) is not None:
        task = loop.create_task(coro, context=context)

        def settle(finished: asyncio.Task[T]) -> None:
            if finished.cancelled():
                failed(asyncio.CancelledError())
            elif finished.exception() is not None:
                failed(finished.exception())  # type: ignore[arg-type]
            else:
                done(finished.result())

        task.add_done_callback(settle)
        return task
    pending = _PendingTask()
    asyncio.tasks._enter_task(loop, pending)  # type: ignore[arg-type]
    try:
        waiting = context.run(coro.send, None)
    except StopIteration as stop:
        finished: tuple[bool, Any] | None = (True, stop.value)
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:
        finished = (False, exc)
    else:
        finished = None
    finally:
        asyncio.tasks._leave_task(loop, pending)  # type: ignore[arg-type]
    if finished is not None:  # answered in the first step: no Task at all
        if finished[0]:
            done(finished[1])
        else:
            failed(finished[1])
        return None
    carried = loop.create_task(_carry(coro, waiting, done, failed), context=context)
    pending.bind(carried)
    return carried


async def _carry(coro: Coroutine[Any, Any, T], waiting: Any, done: Callable[[T], None],
                 failed: Callable[[BaseException], None]) -> None:
    """The Task's body: the rest of ``coro``, then ``done`` or ``failed`` right there (no
    done-callback turn of the loop)."""
    try:
        result = await _rest(coro, waiting)
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:
        failed(exc)
        return
    done(result)
