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
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

T = TypeVar("T")


class _PendingTask:
    """``current_task()`` during the first step: records what is asked of the task until the
    real one exists, then forwards everything to it."""

    def __init__(self, batch: bool = False) -> None:
        self._task: asyncio.Task[Any] | None = None
        self._cancels: list[Any] = []
        #: What ``start(..., batch=...)`` was told (read by code the coroutine calls).
        self.eager_batch = batch

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


def _step(loop: asyncio.AbstractEventLoop, pending: _PendingTask, context: contextvars.Context,
          coro: Coroutine[Any, Any, Any]) -> tuple[tuple[bool, Any] | None, Any]:
    """One step of ``coro`` in ``context`` with ``pending`` as the current task: ``((True,
    result) | (False, exception) | None, what it waits on)``."""
    asyncio.tasks._enter_task(loop, pending)  # type: ignore[arg-type]
    try:
        return None, context.run(coro.send, None)
    except StopIteration as stop:
        return (True, stop.value), None
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:
        return (False, exc), None
    finally:
        asyncio.tasks._leave_task(loop, pending)  # type: ignore[arg-type]


def _finish(finished: tuple[bool, Any], done: Callable[[Any], None],
            failed: Callable[[BaseException], None]) -> None:
    """Pass what :func:`_step` returned for a coroutine that ended to ``done`` or ``failed``."""
    if finished[0]:
        done(finished[1])
    else:
        failed(finished[1])


def start(
    coro: Coroutine[Any, Any, T], done: Callable[[T], None], failed: Callable[[BaseException], None],
    *, batch: bool = False,
) -> asyncio.Task[Any] | None:
    """Run ``coro``'s first step now; ``done(result)`` or ``failed(exc)`` when it ends (at
    once if it never waited, else at the end of the Task carrying it). Returns that Task, or ``None``
    when ``coro`` finished in its first step or waits on a resumable future (no Task either).
    Call it from a loop callback, not inside a Task (inside one, the coroutine simply gets a Task
    of its own). ``batch``: other requests may well arrive in this loop turn (the stand-in
    ``current_task()`` says so in ``eager_batch``), so work handed to another thread is better
    gathered and handed over at the end of the turn than waited for now."""
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
    pending = _PendingTask(batch)
    finished, waiting = _step(loop, pending, context, coro)
    if finished is not None:  # answered in the first step: no Task, no stepper
        _finish(finished, done, failed)
        return None
    return _Stepper(coro, context, loop, done, failed, pending).waits_on(waiting)


class _Stepper:
    """Steps one coroutine without a Task for as long as it only waits on resumable futures
    (``eager_resumable``): each such future calls ``resume`` right after its result is set, in
    a loop callback, and the next step runs there. Anything else it waits on gets a Task."""

    __slots__ = ("coro", "context", "loop", "done", "failed", "pending", "waiting")

    def __init__(self, coro: Coroutine[Any, Any, Any], context: contextvars.Context,
                 loop: asyncio.AbstractEventLoop, done: Callable[[Any], None],
                 failed: Callable[[BaseException], None], pending: _PendingTask) -> None:
        self.coro = coro
        self.context = context
        self.loop = loop
        self.done = done
        self.failed = failed
        self.pending = pending
        self.waiting: Any = None

    def resume(self) -> None:
        """The resumable future waited on has its result: the next step (in a Task if a
        cancellation was asked meanwhile, so the coroutine gets it as a Task would give it)."""
        waiting, self.waiting = self.waiting, None
        if self.pending._cancels:
            self._carry(waiting)
        else:
            self.step()

    def _carry(self, waiting: Any) -> asyncio.Task[Any]:
        carried = self.loop.create_task(_carry(self.coro, waiting, self.done, self.failed),
                                        context=self.context)
        self.pending.bind(carried)
        return carried

    def step(self) -> asyncio.Task[Any] | None:
        """The step after a resumable future."""
        finished, waiting = _step(self.loop, self.pending, self.context, self.coro)
        if finished is not None:  # answered: no Task at all
            _finish(finished, self.done, self.failed)
            return None
        return self.waits_on(waiting)

    def waits_on(self, waiting: Any) -> asyncio.Task[Any] | None:
        """The coroutine yielded ``waiting``: resumed by it when resumable, else a Task."""
        if getattr(waiting, "eager_resumable", False) and not self.pending._cancels and not waiting.done():
            waiting._asyncio_future_blocking = False
            self.waiting = waiting
            waiting.resume = self.resume
            return None
        return self._carry(waiting)


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
