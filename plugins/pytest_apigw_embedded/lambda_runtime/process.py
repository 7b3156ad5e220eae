"""Run handlers in reusable worker processes: own environment, timeout enforced by a kill.

Workers are forked from a warm template process (:mod:`.forked`, :mod:`.template`) where the
platform allows it, else started as ``python -m pytest_apigw_embedded.lambda_runtime.worker``;
either way a worker is a process of its own with the function's environment.

Workers belong to the deployments that use their function: :meth:`ProcessRuntime.release` (called
when the last deployment using a function is destroyed) ends them, so a long session keeps only
the workers of what is deployed now.

A function's layers (``layers.py``) are extracted once; their Python folders come first on the
worker's ``PYTHONPATH`` (after the start-up hooks), so the handler's own code folder, put first on
``sys.path`` by the worker, wins over them and they win over the test environment's packages, as
``/var/task`` → ``/opt`` → the runtime's packages do on Lambda.
"""

from __future__ import annotations

import asyncio
import os
import pickle
import sys
from collections.abc import Sequence
from dataclasses import asdict
from typing import TYPE_CHECKING, Any, Protocol

from pytest_apigw.errors import SpecError
from pytest_apigw_embedded.lambda_runtime import forked
from pytest_apigw_embedded.lambda_runtime.context import (
    NO_XRAY_DAEMON,
    LambdaContext,
    lambda_environment,
    new_log_stream,
)
from pytest_apigw_embedded.lambda_runtime.layers import LayerFolders
from pytest_apigw_embedded.lambda_runtime.result import InvokeResult
from pytest_apigw_embedded.lambda_runtime.worker import HEADER

if TYPE_CHECKING:
    from collections.abc import Iterable

    from pytest_apigw.spec.function import Function

#: Workers kept per function (more concurrent invocations wait for one).
MAX_WORKERS_PER_FUNCTION = 4


def handler_address(function: Function) -> tuple[str, str, str | None]:
    """``(module, qualname, code_dir)`` a worker imports; a clear error for closures/lambdas."""
    if isinstance(function.handler, str):
        module_name, _, name = function.handler.rpartition(".")
        return module_name, name, str(function.code) if function.code else None
    module = getattr(function.handler, "__module__", None)
    qualname = getattr(function.handler, "__qualname__", "")
    if not module or "<" in qualname or module == "__main__":
        raise function.error(
            f"isolation='process' needs a handler a worker can import: a module-level function "
            f"or 'module.func' with code=, not {qualname or function.handler!r} (a closure, "
            "lambda or function defined in __main__ cannot be shipped to a process)"
        )
    return module, qualname, None


class _Worker(Protocol):
    async def call(self, obj: Any) -> InvokeResult: ...

    def kill_now(self) -> None: ...

    async def kill(self) -> None: ...


class _SpawnedWorker:
    """A worker started as a new interpreter (where the template cannot be used)."""

    def __init__(self, proc: asyncio.subprocess.Process) -> None:
        self.proc = proc

    async def call(self, obj: Any) -> InvokeResult:
        assert self.proc.stdin and self.proc.stdout
        data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
        self.proc.stdin.write(HEADER.pack(len(data)) + data)
        await self.proc.stdin.drain()
        head = await self.proc.stdout.readexactly(HEADER.size)
        (size,) = HEADER.unpack(head)
        result: InvokeResult = pickle.loads(await self.proc.stdout.readexactly(size))
        return result

    def kill_now(self) -> None:
        if self.proc.returncode is None:
            self.proc.kill()

    async def kill(self) -> None:
        self.kill_now()
        await self.proc.wait()


class _Pool:
    def __init__(self, function: Function, env: dict[str, str], runtime: ProcessRuntime) -> None:
        self.function = function
        self.env = env
        self.runtime = runtime
        self.address = handler_address(function)
        self.idle: list[_Worker] = []
        self.slots = asyncio.Semaphore(MAX_WORKERS_PER_FUNCTION)
        self.all: set[_Worker] = set()

    async def _start(self) -> _Worker:
        # Lambda runs a handler in its code's folder (``/var/task``, ``LAMBDA_TASK_ROOT``): a file
        # of the code opens by its relative path there; without ``code``, the test's folder.
        code = self.function.code
        cwd = str(code) if code is not None else os.getcwd()
        template = self.runtime.template()
        if template is not None:
            try:
                return await template.spawn(self.env, cwd)
            except (OSError, RuntimeError):  # the template is unusable: start workers afresh
                self.runtime.drop_template()
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "pytest_apigw_embedded.lambda_runtime.worker",
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, env=self.env, cwd=cwd,
        )
        return _SpawnedWorker(proc)

    async def _spawn(self) -> _Worker:
        worker = await self._start()
        self.all.add(worker)
        ready = await worker.call(self.address)
        if ready.failed:
            await self._discard(worker)
            raise SpecError(
                f"Function {self.function.id!r}",
                f"handler cannot be resolved in a worker process: {ready.error_message}",
            )
        return worker

    async def _discard(self, worker: _Worker) -> None:
        self.all.discard(worker)
        await worker.kill()

    async def invoke(self, event: Any, fields: dict[str, Any], timeout: float) -> InvokeResult:
        try:  # waiting for a free worker counts towards the timeout: answered, it never runs
            async with asyncio.timeout(timeout):
                await self.slots.acquire()
        except TimeoutError:
            return InvokeResult(
                timed_out=True, error_type="Sandbox.Timedout",
                error_message=f"Task timed out after {timeout:.2f} seconds (waiting for a free worker)",
            )
        try:
            return await self._run(event, fields, timeout)
        finally:
            self.slots.release()

    async def _run(self, event: Any, fields: dict[str, Any], timeout: float) -> InvokeResult:
        worker = self.idle.pop() if self.idle else await self._spawn()
        try:
            result = await asyncio.wait_for(worker.call((event, fields)), timeout)
        except TimeoutError:
            await self._discard(worker)
            return InvokeResult(
                timed_out=True, error_type="Sandbox.Timedout",
                error_message=f"Task timed out after {timeout:.2f} seconds",
            )
        except (asyncio.IncompleteReadError, BrokenPipeError, ConnectionResetError) as exc:
            await self._discard(worker)
            return InvokeResult(
                error_type="Runtime.ExitError",
                error_message=f"worker process exited during the invocation: {exc!r}",
            )
        except asyncio.CancelledError:  # abandoned mid-call: the worker's stream is out of step
            self.all.discard(worker)
            worker.kill_now()
            raise
        self.idle.append(worker)
        return result

    async def close(self) -> None:
        for worker in list(self.all):
            await self._discard(worker)
        self.idle.clear()


class ProcessRuntime:
    """Invokes ``isolation="process"`` functions in worker processes (one pool per function)."""

    #: Fork workers from a warm template process where the platform allows it.
    use_template = forked.supported()

    def __init__(self, *, worker_paths: Sequence[str] = ()) -> None:
        self._pools: dict[Function, _Pool] = {}
        #: Put first on the workers' ``PYTHONPATH`` (start-up hooks handed over by the backend).
        self._worker_paths = list(worker_paths)
        self._log_stream = new_log_stream()
        self._layers = LayerFolders()
        self._template: forked.WorkerTemplate | None = None
        self._template_failed = not self.use_template

    def _python_path(self, layer_paths: Sequence[str] = ()) -> str:
        """The workers' ``PYTHONPATH``: start-up hooks, a function's layer folders, the test's path."""
        return os.pathsep.join([*self._worker_paths, *layer_paths,
                                *(p for p in sys.path if p and p not in layer_paths)])

    def template(self) -> forked.WorkerTemplate | None:
        """The warm template process workers are forked from (started on first use), or
        ``None`` where it cannot be used."""
        if self._template is None and not self._template_failed:
            try:
                self._template = forked.WorkerTemplate({**os.environ, "PYTHONPATH": self._python_path()})
            except OSError:
                self._template_failed = True
        return self._template

    @property
    def template_pid(self) -> int | None:
        """The pid of the warm template process, ``None`` while none runs."""
        return None if self._template is None else self._template.proc.pid

    def drop_template(self) -> None:
        """Stop using the template (it failed): workers start as new interpreters from now on."""
        self._template_failed = True
        if self._template is not None:
            self._template.close()
            self._template = None

    def prepare(self, function: Function) -> None:
        """Check the handler can be shipped (clear error at deploy) and make its pool; the
        worker template starts warming up now."""
        if function not in self._pools:
            opt = self._layers.opt(function)
            layer_paths = opt.python_paths(function.runtime) if opt is not None else []
            env = {
                **os.environ, **lambda_environment(function, self._log_stream), **NO_XRAY_DAEMON,
                **function.environment, "PYTHONPATH": self._python_path(layer_paths),
            }
            self._pools[function] = _Pool(function, opt.environment(function, env) if opt else env, self)
            self.template()

    async def invoke(self, function: Function, event: Any, timeout: float | None = None) -> InvokeResult:
        """Invoke ``function`` in one of its workers (killed past ``timeout``)."""
        self.prepare(function)
        context = LambdaContext.for_function(function, self._log_stream)
        limit = function.timeout if timeout is None else timeout
        return await self._pools[function].invoke(event, asdict(context), limit)

    async def release(self, functions: Iterable[Function]) -> None:
        """End the workers of ``functions`` (no deployment uses them any more); a later
        invocation starts fresh ones."""
        for function in functions:
            pool = self._pools.pop(function, None)
            if pool is not None:
                await pool.close()

    def workers(self) -> int:
        """Worker processes alive now (all functions)."""
        return sum(len(pool.all) for pool in self._pools.values())

    async def close(self) -> None:
        """Kill every worker process and the template."""
        for pool in self._pools.values():
            await pool.close()
        self._pools.clear()
        if self._template is not None:
            self._template.close()
            self._template = None
        self._layers.close()
