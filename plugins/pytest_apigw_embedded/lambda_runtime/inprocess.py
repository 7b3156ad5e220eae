"""Run handlers in the test process, on a thread pool, so monkeypatch, moto and coverage see them.

Lambda's model: an invocation is over for the gateway once it is answered. A handler still
waiting for a thread at its timeout never runs; one still running cannot be killed in-process, so
its thread is written off and replaced (see ``threads.py``) and finishes on its own (use
``isolation="process"`` for a hard stop). ``SystemExit``, ``KeyboardInterrupt`` and any other
``BaseException`` from a handler are function errors, answered at once.

The hand-off: the event loop hands the call to a handler thread and first waits for it in its
own thread, for at most :data:`HANDOFF_WAIT` (a poll on the pool's pipe of finished jobs: no
loop wake-up, no future, no Task step), which is how most handlers are answered. A handler
still running then is followed the asynchronous way (the loop serves other requests meanwhile),
so one that calls an API of the same backend (its own URL, ``@connections``) costs that wait
once and never deadlocks the gateway; a function whose handler itself outlasted the wait (not
one whose thread was merely scheduled late) is not waited for on its next :data:`SKIP_AFTER_SLOW`
calls.

The hop costs about 25-33 µs of server CPU per request (two wake-ups: the handler thread's and
the loop's; ``benchmarks/profile_lambda_proxy.py --no-profile --ab inline``). Tried and measured
against it, not kept (``docs/performance.md``, "The in-process Lambda hand-off"): the handler's
thread finishing the request itself (one wake-up fewer, no CPU or req/s gained), a spin before
the poll (worse: under the GIL the spinner competes with the handler it waits for).

With several connections open (the server says so: ``eager.start(..., batch=True)``), the
invocations of one loop turn are gathered and handed over at its end (:meth:`_flush`): one batch
to one handler thread (one wake-up each way), one wait for all of them, the answers passed on in
order through resumable futures (:class:`_Handoff`: the request's coroutine is stepped on without
a Task). Those still running after the wait are followed asynchronously, and those queued behind
a running one in its batch are queued again on their own, so any free thread takes them.

A function's layers (``layers.py``) are extracted once and their Python folders put on
``sys.path`` before its handler is imported, after its own code, as on Lambda; they are taken off
again when no prepared function uses them (``release``) and at :meth:`InProcessRuntime.close`.
In-process, a module the test process has already imported is shared by every function: when a
layer holds a module of that name, a warning says so at deploy (use ``isolation="process"`` for
exact layer precedence).
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
import sys
import time
from typing import TYPE_CHECKING, Any

from pytest_apigw_embedded.lambda_runtime import environ, library_state, logs
from pytest_apigw_embedded.lambda_runtime.context import (
    NO_XRAY_DAEMON,
    LambdaContext,
    lambda_environment,
    new_log_stream,
)
from pytest_apigw_embedded.lambda_runtime.function_modules import FunctionModules, warn_shadowed
from pytest_apigw_embedded.lambda_runtime.layers import LayerFolders
from pytest_apigw_embedded.lambda_runtime.result import InvokeResult, handler_traceback
from pytest_apigw_embedded.lambda_runtime.threads import (
    ABANDONED,
    FINISHED,
    QUEUED,
    RUNNING,
    HandlerThreads,
    Job,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from pytest_apigw.spec.function import Function, Handler

_Overlay = environ.Overlay
_set_overlay = environ.OVERLAY.set
_set_lines = logs.CURRENT.set
_Tee = logs.ConsoleTee
#: On 3.11 ``asyncio.current_task()`` is a Python function reading this table (by loop): read it
#: directly where the current task is needed per request (from 3.12 the function is C: ``None``).
_CURRENT_TASKS: dict[asyncio.AbstractEventLoop, Any] | None = (
    asyncio.tasks._current_tasks if sys.version_info < (3, 12) else None  # type: ignore[attr-defined]
)

#: Seconds the event loop waits in its own thread for a handler before going asynchronous.
HANDOFF_WAIT = 0.002
#: Calls of a function that outlasted :data:`HANDOFF_WAIT` made without waiting at all.
SKIP_AFTER_SLOW = 16


def _call(handler: Handler, event: Any, context: LambdaContext, variables: dict[str, str], lines: list[str]) -> InvokeResult:  # noqa: E501
    _set_overlay(_Overlay(variables))  # environ.activate(variables), a call fewer
    _set_lines(lines)  # logs.collect_into(lines)
    try:
        payload = handler(event, context)
        if payload.__class__ is not dict and asyncio.iscoroutine(payload):  # a dict: 3 calls fewer
            payload = asyncio.run(payload)
        return InvokeResult(payload=payload, logs=lines)
    except Exception as exc:
        return InvokeResult(
            error_type=type(exc).__name__, error_message=str(exc),
            traceback=handler_traceback(exc), logs=lines,
        )
    except BaseException as exc:  # SystemExit, KeyboardInterrupt: the runtime would exit
        # On Lambda a runtime that exits answers ``Runtime.ExitError`` for the invocation.
        return InvokeResult(
            error_type="Runtime.ExitError",
            error_message=f"Runtime exited during the invocation: {type(exc).__name__}({exc})",
            traceback=handler_traceback(exc), logs=lines,
        )


class _Handoff(asyncio.Future):  # type: ignore[type-arg]
    """An invocation's result as the event loop gets it. Resumable (``server/eager.py``): a
    request's coroutine waiting on it is stepped on by :meth:`settle`, without a Task."""

    eager_resumable = True
    #: Set by the eager runner while a coroutine waits on this future.
    resume: Callable[[], None] | None = None
    #: The timeout timer of an invocation followed asynchronously.
    timer: asyncio.TimerHandle | None = None

    def settle(self, result: InvokeResult) -> None:
        """Set ``result`` (unless cancelled meanwhile) and step on the waiting coroutine; call it
        from a loop callback."""
        if not self.done():
            self.set_result(result)
            self._resume()

    def fail(self, exc: BaseException) -> None:
        """:meth:`settle` with an exception for the waiting coroutine."""
        if not self.done():
            self.set_exception(exc)
            self._resume()

    def _resume(self) -> None:
        if self.timer is not None:
            self.timer.cancel()
        resume = self.resume
        if resume is not None:
            self.resume = None
            resume()


class _Call(Job):
    """One invocation on its way: the pool's job itself (one object per request, not two), plus
    the future and what its timeout needs (``begun``: when it was asked for)."""

    __slots__ = ("handoff", "function", "timeout", "begun", "lines")

    handoff: _Handoff

    def __init__(self, fn: Callable[..., Any], args: tuple[Any, ...], function: Function, timeout: float,
                 begun: float, lines: list[str]) -> None:
        Job.__init__(self, fn, args, None)
        self.function = function
        self.timeout = timeout
        self.begun = begun
        self.lines = lines


def _settle_failed(loop: asyncio.AbstractEventLoop, exc: Exception) -> None:
    loop.call_exception_handler({"message": "passing on a Lambda result failed", "exception": exc})


class InProcessRuntime:
    """Invokes in-process handlers on a shared thread pool."""

    def __init__(self, max_workers: int = 32) -> None:
        self._threads = HandlerThreads(max_workers)
        self._log_stream = new_log_stream()
        #: Per prepared function: its handler, its variables, and its context's constant parts
        #: (name, memory size as text, lifetime in ms).
        self._handlers: dict[Function, tuple[Handler, dict[str, str], str, str, float]] = {}
        self._layers = LayerFolders()
        #: Layer folders this runtime put on ``sys.path``, and the prepared functions using each.
        self._layer_paths: dict[str, set[Function]] = {}
        #: Calls left to make without the hand-off wait, per function that outlasted it.
        self._skip_wait: dict[Function, int] = {}
        #: Invocations of the current loop turn, handed off together at its end (``_flush``).
        self._batches: dict[asyncio.AbstractEventLoop, list[_Call]] = {}
        #: Each function's own modules: its own copies, dropped at release (a cold start next).
        self._modules = FunctionModules()
        environ.install()
        logging.getLogger().addHandler(logs.HANDLER)

    def prepare(self, function: Function) -> None:
        """Resolve ``function``'s handler now (errors surface at deploy, naming the handler)."""
        if function not in self._handlers:
            variables = {**lambda_environment(function, self._log_stream), **NO_XRAY_DAEMON,
                         **function.environment}
            self._import_layers(function)
            # Lambda's init runs in the function's environment: module-level code reads its
            # variables (``os.environ["TABLE_NAME"]``), and what it sets stays for its calls.
            overlay = _Overlay(variables)
            token = environ.OVERLAY.set(overlay)
            try:
                handler = self._modules.prepare(function, function.resolve)
            finally:
                environ.OVERLAY.reset(token)
            variables = overlay.values
            library_state.cold_start()  # its first call is a cold start, for libraries too
            self._handlers[function] = (handler, variables, function.function_name,
                                        str(function.memory_size), function.timeout * 1000)

    def _import_layers(self, function: Function) -> None:
        """Put ``function``'s layer folders on ``sys.path``, right after its code folder."""
        opt = self._layers.opt(function)
        if opt is None:
            return
        code = str(function.code) if function.code is not None else None
        at = sys.path.index(code) + 1 if code is not None and code in sys.path else 0
        for path in opt.python_paths(function.runtime):
            if path not in sys.path:
                sys.path.insert(at, path)
                at += 1
                self._layer_paths.setdefault(path, set())
            if path in self._layer_paths:
                self._layer_paths[path].add(function)
        warn_shadowed(function, opt.python_modules(function.runtime), "its layer's")

    async def invoke(self, function: Function, event: Any, timeout: float | None = None) -> InvokeResult:
        """Invoke ``function`` with ``event``; past ``timeout`` (default: the function's) the
        result has ``timed_out=True``."""
        timeout = function.timeout if timeout is None else timeout
        begun = time.monotonic()
        prepared = self._handlers.get(function)
        if prepared is None:
            self.prepare(function)
            prepared = self._handlers[function]
        handler, variables, name, memory, lifetime_ms = prepared
        # LambdaContext.for_function's, from what prepare() worked out once
        context = LambdaContext(name, memory, self._log_stream, time.time() * 1000 + lifetime_ms)
        lines: list[str] = []
        call = _Call(contextvars.copy_context().run, (_call, handler, event, context, variables, lines),
                     function, timeout, begun, lines)
        loop = asyncio.get_running_loop()
        skip = self._skip_wait.get(function)
        batch = self._batches.get(loop)
        current = _CURRENT_TASKS.get(loop) if _CURRENT_TASKS is not None else asyncio.current_task(loop)
        if batch is None and not skip and not getattr(current, "eager_batch", False):
            # one request at a time: wait here (no future, no loop turn); most are answered so
            if sys.stdout.__class__ is not _Tee or sys.stderr.__class__ is not _Tee:
                logs.capture_console()  # print() and stderr into this invocation's log lines
            wait = HANDOFF_WAIT if timeout > HANDOFF_WAIT else timeout
            if self._threads.submit_wait(call, wait):
                answered: InvokeResult = call.result
                return answered
            if call.state == RUNNING and time.monotonic() - call.started >= wait / 2:
                self._skip_wait[function] = SKIP_AFTER_SLOW  # the handler itself is slow
            skip = -1  # submitted: follow it
        call.handoff = handoff = _Handoff(loop=loop)
        if skip:  # slow lately (no hand-off wait), or outlasted it: the asynchronous way
            if skip > 0:
                self._skip_wait[function] = skip - 1
                logs.capture_console()
                self._threads.submit_job(call)
            self._follow(call, loop)
        else:  # handed over with this loop turn's other invocations (``_flush``)
            if batch is None:
                self._batches[loop] = batch = []
                loop.call_soon(self._flush, loop)
            batch.append(call)
        try:
            result: InvokeResult = await handoff
        except asyncio.CancelledError:  # the client or the deployment went away: abandon it too
            self._threads.abandon(call)
            raise
        return result

    def _flush(self, loop: asyncio.AbstractEventLoop) -> None:
        """The hand-off of this loop turn's invocations: one batch to one handler thread, a
        wait of at most :data:`HANDOFF_WAIT` in this thread, the answers passed on in order;
        invocations still running (or queued behind one) are then followed asynchronously."""
        batch = self._batches.pop(loop)
        logs.capture_console()  # once for the batch: print() and stderr into each one's log lines
        try:
            self._threads.submit_batch(batch)
        except RuntimeError as exc:  # the pool is closed: each request fails as a submit would
            for call in batch:
                call.handoff.fail(exc)
            return
        wait = HANDOFF_WAIT
        for call in batch:
            if call.timeout < wait:
                wait = call.timeout
        if self._threads.wait_all(batch, wait):
            for call in batch:
                if call.state == FINISHED:  # not abandoned (its request was cancelled)
                    try:
                        call.handoff.settle(call.result)
                    except Exception as exc:  # noqa: BLE001 - one answer failing must not strand the batch
                        _settle_failed(loop, exc)
            return
        now = time.monotonic()
        for call in batch:
            if call.state == FINISHED:
                self._settle(call.handoff, call.result)
                continue
            if call.state == ABANDONED:  # its request was cancelled meanwhile
                continue
            if call.state == RUNNING and now - call.started >= wait / 2:
                # the handler itself outlasted the wait (not a thread scheduled late)
                self._skip_wait[call.function] = SKIP_AFTER_SLOW
            elif call.state == QUEUED:
                # Behind a slow one, or its thread not started yet (a busy machine): any free
                # thread may take it. Without this, a batch whose thread had not begun when the
                # wait ended kept its later jobs behind the first one even if that one hung.
                self._threads.requeue(call)
            self._follow(call, loop)

    @staticmethod
    def _settle(handoff: _Handoff, result: InvokeResult) -> None:
        try:
            handoff.settle(result)
        except Exception as exc:  # noqa: BLE001 - one answer failing must not strand the batch
            _settle_failed(handoff.get_loop(), exc)

    def _follow(self, call: _Call, loop: asyncio.AbstractEventLoop) -> None:
        """Follow ``call`` the asynchronous way: its result passed to the loop when it comes,
        a timed-out answer (and the job abandoned) at its timeout."""
        handoff = call.handoff

        def done(result: InvokeResult) -> None:
            loop.call_soon_threadsafe(self._settle, handoff, result)

        if not self._threads.then(call, done):  # finished just now
            self._settle(handoff, call.result)
            return
        timeout, lines = call.timeout, call.lines

        def expire() -> None:
            if handoff.done():
                return
            self._threads.abandon(call)  # never runs later; a running one's thread is written off
            self._settle(handoff, InvokeResult(
                timed_out=True, error_type="Sandbox.Timedout",
                error_message=f"Task timed out after {timeout:.2f} seconds", logs=list(lines),
            ))

        handoff.timer = loop.call_later(max(0.0, call.begun + timeout - time.monotonic()), expire)

    async def release(self, functions: Iterable[Function]) -> None:
        """Forget what was prepared for ``functions`` (no deployment uses them any more), so the
        handlers and whatever they hold are not kept for the rest of the session; the modules
        their code brought in leave ``sys.modules`` (the next deployment starts cold:
        ``function_modules.py``) and layer folders no other prepared function uses leave ``sys.path``."""
        functions = list(functions)
        self._modules.release(functions)
        for function in functions:
            self._handlers.pop(function, None)
            for path, users in list(self._layer_paths.items()):
                users.discard(function)
                if not users:  # no prepared function imports from it: off the import path
                    del self._layer_paths[path]
                    if path in sys.path:
                        sys.path.remove(path)
            self._skip_wait.pop(function, None)

    def stats(self) -> dict[str, int]:
        """The thread pool's counters (``healthy``, ``written_off``, ``started``)."""
        return self._threads.stats()

    async def close(self) -> None:
        """Stop the worker threads (a handler still running past its timeout is left to finish
        on its own: threads cannot be killed) and restore the globals."""
        self._threads.close()
        logging.getLogger().removeHandler(logs.HANDLER)
        environ.uninstall()
        self._handlers.clear()
        self._modules.close()
        for path in self._layer_paths:
            if path in sys.path:
                sys.path.remove(path)
        self._layer_paths.clear()
        self._layers.close()
