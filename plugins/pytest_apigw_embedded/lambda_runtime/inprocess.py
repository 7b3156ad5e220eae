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
once and never deadlocks the gateway; a function that outlasted the wait is not waited for on
its next :data:`SKIP_AFTER_SLOW` calls.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
from typing import TYPE_CHECKING, Any

from pytest_apigw_embedded.lambda_runtime import environ, logs
from pytest_apigw_embedded.lambda_runtime.context import (
    LambdaContext,
    lambda_environment,
    new_log_stream,
)
from pytest_apigw_embedded.lambda_runtime.result import InvokeResult, handler_traceback
from pytest_apigw_embedded.lambda_runtime.threads import HandlerThreads

if TYPE_CHECKING:
    from collections.abc import Iterable

    from pytest_apigw.spec.function import Function, Handler

#: Seconds the event loop waits in its own thread for a handler before going asynchronous.
HANDOFF_WAIT = 0.002
#: Calls of a function that outlasted :data:`HANDOFF_WAIT` made without waiting at all.
SKIP_AFTER_SLOW = 16


def _call(handler: Handler, event: Any, context: LambdaContext, variables: dict[str, str], lines: list[str]) -> InvokeResult:  # noqa: E501
    environ.activate(variables)
    logs.collect_into(lines)
    try:
        payload = handler(event, context)
        if asyncio.iscoroutine(payload):
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


class InProcessRuntime:
    """Invokes in-process handlers on a shared thread pool."""

    def __init__(self, max_workers: int = 32) -> None:
        self._threads = HandlerThreads(max_workers)
        self._log_stream = new_log_stream()
        self._handlers: dict[Function, tuple[Handler, dict[str, str]]] = {}
        #: Calls left to make without the hand-off wait, per function that outlasted it.
        self._skip_wait: dict[Function, int] = {}
        environ.install()
        logging.getLogger().addHandler(logs.HANDLER)

    def prepare(self, function: Function) -> None:
        """Resolve ``function``'s handler now (errors surface at deploy, naming the handler)."""
        if function not in self._handlers:
            variables = {**lambda_environment(function, self._log_stream), **function.environment}
            self._handlers[function] = (function.resolve(), variables)

    async def invoke(self, function: Function, event: Any, timeout: float | None = None) -> InvokeResult:
        """Invoke ``function`` with ``event``; past ``timeout`` (default: the function's) the
        result has ``timed_out=True``."""
        timeout = function.timeout if timeout is None else timeout
        started = asyncio.get_running_loop().time()
        self.prepare(function)
        handler, variables = self._handlers[function]
        context = LambdaContext.for_function(function, self._log_stream)
        lines: list[str] = []
        logs.capture_console()  # print() and stderr into this invocation's log lines
        run = contextvars.copy_context().run
        job = self._threads.submit(run, (_call, handler, event, context, variables, lines))
        skip = self._skip_wait.get(function)
        if skip:
            self._skip_wait[function] = skip - 1
        elif self._threads.wait(job, min(HANDOFF_WAIT, timeout)):
            result: InvokeResult = job.result
            return result
        else:
            self._skip_wait[function] = SKIP_AFTER_SLOW
        loop = asyncio.get_running_loop()
        waiter: asyncio.Future[InvokeResult] = loop.create_future()

        def settle(result: InvokeResult) -> None:
            if not waiter.done():
                waiter.set_result(result)

        def done(result: InvokeResult) -> None:
            loop.call_soon_threadsafe(settle, result)

        if not self._threads.then(job, done):  # finished just now
            finished: InvokeResult = job.result
            return finished

        def expire() -> None:
            if waiter.done():
                return
            self._threads.abandon(job)  # never runs later; a running one's thread is written off
            waiter.set_result(InvokeResult(
                timed_out=True, error_type="Sandbox.Timedout",
                error_message=f"Task timed out after {timeout:.2f} seconds", logs=list(lines),
            ))

        timer = loop.call_at(started + timeout, expire)
        try:
            return await waiter
        except asyncio.CancelledError:  # the client or the deployment went away: abandon it too
            self._threads.abandon(job)
            raise
        finally:
            timer.cancel()

    async def release(self, functions: Iterable[Function]) -> None:
        """Forget what was prepared for ``functions`` (no deployment uses them any more), so the
        handlers and whatever they hold are not kept for the rest of the session."""
        for function in functions:
            self._handlers.pop(function, None)
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
