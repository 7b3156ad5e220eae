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

A future whose class sets ``eager_resumable = True`` promises to call its ``resume`` attribute
(when set) in a loop callback right after its result is set: a coroutine waiting only on such
futures (the in-process Lambda hand-off of ``lambda_runtime/inprocess.py``, batched per loop
turn) is stepped on from there, still without a Task.
"""

from __future__ import annotations

import asyncio
import contextvars
import sys
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

T = TypeVar("T")


class _PendingTask:
    """``current_task()`` while the coroutine runs without a Task, and what steps it meanwhile:
    records what is asked of the task until the real one exists, then forwards everything to it.

    One object per request (it was two: the stand-in and a stepper). The coroutine is stepped
    without a Task for as long as it only waits on resumable futures (``eager_resumable``): each
    such future calls ``resume`` right after its result is set, in a loop callback, and the next
    step runs there. Anything else it waits on gets a Task (:meth:`_carry`)."""

    __slots__ = ("_task", "_cancels", "eager_batch", "_coro", "_context", "_loop", "_done", "_failed",
                 "_waiting")

    def __init__(self, coro: Coroutine[Any, Any, Any], context: contextvars.Context,
                 loop: asyncio.AbstractEventLoop, done: Callable[[Any], None],
                 failed: Callable[[BaseException], None], batch: bool = False) -> None:
        self._task: asyncio.Task[Any] | None = None
        self._cancels: list[Any] = []
        #: What ``start(..., batch=...)`` was told (read by code the coroutine calls).
        self.eager_batch = batch
        self._coro = coro
        self._context = context
        self._loop = loop
        self._done = done
        self._failed = failed
        self._waiting: Any = None

    def bind(self, task: asyncio.Task[Any]) -> None:
        self._task = task
        if self._cancels:
            # After the Task's first step: a cancel thrown into ``_carry`` before its body
            # starts would end the Task without ``failed`` ever hearing of it.
            task.get_loop().call_soon(self._forward, task, list(self._cancels))
        self._cancels.clear()

    @staticmethod
    def _forward(task: asyncio.Task[Any], cancels: list[Any]) -> None:
        for msg in cancels:
            task.cancel(msg)

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
        try:
            task = object.__getattribute__(self, "_task")
        except AttributeError:
            task = None
        if task is None:
            raise AttributeError(f"{name!r}: the request's task does not exist yet (first step)")
        return getattr(task, name)

    def step(self) -> asyncio.Task[Any] | None:
        """One step of the coroutine in its context, this object as the current task; then
        ``done``/``failed`` when it ended (after the stand-in left), or wait for what it yielded:
        resumed by it when resumable, else a Task (returned). Also what a resumable future
        calls (``resume``) once its result is set: a cancellation asked meanwhile then goes to a
        Task (:meth:`_carry`), so the coroutine gets it as a Task would give it."""
        if self._cancels:
            waiting, self._waiting = self._waiting, None
            return self._carry(waiting)
        self._waiting = None
        loop = self._loop
        _enter_task(loop, self)
        try:
            waiting = self._context.run(self._coro.send, None)
        except StopIteration as stop:
            _leave_task(loop, self)
            self._done(stop.value)
            return None
        except (KeyboardInterrupt, SystemExit):
            _leave_task(loop, self)
            raise
        except BaseException as exc:
            _leave_task(loop, self)
            self._failed(exc)
            return None
        _leave_task(loop, self)
        if getattr(waiting, "eager_resumable", False) and not self._cancels and not waiting.done():
            waiting._asyncio_future_blocking = False
            self._waiting = waiting
            waiting.resume = self.step
            return None
        return self._carry(waiting)

    def _carry(self, waiting: Any) -> asyncio.Task[Any]:
        carried = self._loop.create_task(_carry(self._coro, waiting, self._done, self._failed),
                                         context=self._context)
        self.bind(carried)
        return carried


_enter_task: Callable[[asyncio.AbstractEventLoop, Any], None] = asyncio.tasks._enter_task
_leave_task: Callable[[asyncio.AbstractEventLoop, Any], None] = asyncio.tasks._leave_task
#: On 3.11 ``asyncio.current_task()`` is a Python function reading this dict (by loop): read it
#: directly (from 3.12 on the function is C and cheap).
_current_tasks: dict[asyncio.AbstractEventLoop, Any] | None = (
    asyncio.tasks._current_tasks if sys.version_info < (3, 12) else None  # type: ignore[attr-defined]
)


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
    *, batch: bool = False, loop: asyncio.AbstractEventLoop | None = None,
) -> asyncio.Task[Any] | None:
    """Run ``coro``'s first step now; ``done(result)`` or ``failed(exc)`` when it ends (at
    once if it never waited, else at the end of the Task carrying it). Returns that Task, or ``None``
    when ``coro`` finished in its first step or waits on a resumable future (no Task either).
    Call it from a loop callback, not inside a Task (inside one, the coroutine simply gets a Task
    of its own). ``batch``: other requests may well arrive in this loop turn (the stand-in
    ``current_task()`` says so in ``eager_batch``), so work handed to another thread is better
    gathered and handed over at the end of the turn than waited for now. ``loop``: the running
    loop, when the caller has it at hand (on 3.11 ``get_running_loop()`` costs a ``getpid``
    system call)."""
    if loop is None:
        loop = asyncio.get_running_loop()
    context = contextvars.copy_context()
    if (_current_tasks.get(loop) if _current_tasks is not None else asyncio.current_task(loop)) is not None:
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
    return _PendingTask(coro, context, loop, done, failed, batch).step()


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
