"""Run handlers in the test process, on a thread pool, so monkeypatch, moto and coverage see them.

A timed-out handler cannot be killed in-process: the client gets AWS's answer at the timeout
and the thread finishes on its own (use ``isolation="process"`` for a hard stop).
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
import traceback
from typing import TYPE_CHECKING, Any

from pytest_apigw_embedded.lambda_runtime import environ, logs
from pytest_apigw_embedded.lambda_runtime.context import (
    LambdaContext,
    lambda_environment,
    new_log_stream,
)
from pytest_apigw_embedded.lambda_runtime.result import InvokeResult
from pytest_apigw_embedded.lambda_runtime.threads import HandlerThreads

if TYPE_CHECKING:
    from collections.abc import Iterable

    from pytest_apigw.spec.function import Function, Handler


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
            traceback=traceback.format_exc(), logs=lines,
        )


class InProcessRuntime:
    """Invokes in-process handlers on a shared thread pool."""

    def __init__(self, max_workers: int = 32) -> None:
        self._threads = HandlerThreads(max_workers)
        self._log_stream = new_log_stream()
        self._handlers: dict[Function, tuple[Handler, dict[str, str]]] = {}
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
        self.prepare(function)
        handler, variables = self._handlers[function]
        context = LambdaContext.for_function(function, self._log_stream)
        lines: list[str] = []
        run = contextvars.copy_context().run
        loop = asyncio.get_running_loop()
        waiter: asyncio.Future[InvokeResult] = loop.create_future()

        def settle(result: InvokeResult) -> None:
            if not waiter.done():
                waiter.set_result(result)

        def done(result: InvokeResult) -> None:
            loop.call_soon_threadsafe(settle, result)

        timer = loop.call_later(timeout, settle, InvokeResult(
            timed_out=True, error_type="Sandbox.Timedout",
            error_message=f"Task timed out after {timeout:.2f} seconds", logs=lines,
        ))
        # A plain future and a timer: cheaper per request than wait_for(shield(run_in_executor)).
        self._threads.submit(run, (_call, handler, event, context, variables, lines), done)
        try:
            return await waiter
        finally:
            timer.cancel()

    async def release(self, functions: Iterable[Function]) -> None:
        """Forget the resolved handlers of ``functions`` (no process to end in-process)."""
        for function in functions:
            self._handlers.pop(function, None)

    async def close(self) -> None:
        """Stop the worker threads (a handler still running past its timeout is left to finish
        on its own: threads cannot be killed) and restore the globals."""
        self._threads.close()
        logging.getLogger().removeHandler(logs.HANDLER)
        environ.uninstall()
        self._handlers.clear()
