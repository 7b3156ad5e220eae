"""Execution environments of a function: worker processes talking to the Lambda Runtime API.

Lambda's execution model: an instance serves one request at a time; a request that finds no
idle instance starts a new one (up to a limit); instances stay warm and are reused; a
timed-out instance is stopped (its process group killed) and replaced by the next request;
``reserved_concurrency`` caps the instances and a request over it is throttled
(``TooManyRequestsException``, which API Gateway answers 500).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import signal
import time
from dataclasses import dataclass
from typing import Any

from pytest_apigw_embedded.lambda_runtime.console import ConsolePipe
from pytest_apigw_embedded.lambda_runtime.context import function_arn, new_request_id
from pytest_apigw_embedded.lambda_runtime.result import InvokeResult
from pytest_apigw_embedded.lambda_runtime.runtime_api import PendingInvocation, RuntimeApi
from pytest_apigw_embedded.lambda_runtime.runtime_server import HOST, RuntimeApiServer

#: Instances per function when it has no ``reserved_concurrency`` (Lambda's account limit is
#: far higher; on a test machine more concurrent requests wait for a free instance instead).
MAX_INSTANCES_PER_FUNCTION = 32
#: Lambda's limit on the init phase (seconds).
INIT_TIMEOUT = 10.0
#: Seconds the event loop waits in its own thread for a warm instance's answer (a poll on the
#: Runtime API socket) before going asynchronous, as the in-process runtime waits for its
#: handler thread: most answers come sooner and cost no loop turn. Only while the instance is the
#: function's one busy instance; a handler that calls the gateway itself costs this wait once.
HANDOFF_WAIT = 0.002
#: Invocations of a function that outlasted :data:`HANDOFF_WAIT` made without waiting at all.
SKIP_AFTER_SLOW = 16


@dataclass(frozen=True)
class Launch:
    """How to start one instance: the program, its environment (without
    ``AWS_LAMBDA_RUNTIME_API``, added per instance) and its working directory."""

    argv: tuple[str, ...]
    env: dict[str, str]
    cwd: str


#: Trace ids need to be unique, not secret: a PRNG seeded once (and again in a forked child)
#: costs no system call per invocation, unlike ``os.urandom``.
_RANDOM = random.Random()
os.register_at_fork(after_in_child=_RANDOM.seed)


def _trace_id(now: float) -> str:
    h = f"{_RANDOM.getrandbits(160):040x}"
    return f"Root=1-{int(now):08x}-{h[:24]};Parent={h[24:]};Sampled=0;Lineage=1:{h[:8]}:0"


def _time_out(invocation: PendingInvocation, timeout: float) -> None:
    invocation.settle(InvokeResult(timed_out=True, error_type="Sandbox.Timedout",
                                   error_message=f"Task timed out after {timeout:.2f} seconds"))


class Instance:
    """One execution environment: a process, its Runtime API endpoint and its console pipe."""

    def __init__(self, launch: Launch) -> None:
        self.launch = launch
        self.loop = asyncio.get_running_loop()
        self.api = RuntimeApi()
        self.server = RuntimeApiServer(self.api)
        self.console = ConsolePipe(self.loop)
        self.proc: asyncio.subprocess.Process | None = None
        self._watch: asyncio.Task[None] | None = None
        #: Output printed outside an invocation (init, after an answer): shown with the next one.
        self.carry: list[str] = []
        self.console.sink = self.carry
        self.delivered = True  # whether the last event reached the runtime
        self.quick = False  # whether the last answer came within the hand-off wait

    @property
    def pid(self) -> int | None:
        """The process id (``None`` before the start)."""
        return self.proc.pid if self.proc is not None else None

    async def start(self) -> InvokeResult | None:
        """Start the process and wait for its first ``/next``; the error when init fails."""
        await self.server.start()
        env = {**self.launch.env, "AWS_LAMBDA_RUNTIME_API": f"{HOST}:{self.server.port}"}
        try:
            self.proc = await asyncio.create_subprocess_exec(
                *self.launch.argv, env=env, cwd=self.launch.cwd, stdin=asyncio.subprocess.DEVNULL,
                stdout=self.console.write_fd, stderr=self.console.write_fd, start_new_session=True,
            )
        except OSError as exc:
            return InvokeResult(error_type="Runtime.InvalidEntrypoint",
                                error_message=f"cannot start {self.launch.argv[0]}: {exc}")
        finally:
            self.console.child_started()
        self._watch = asyncio.get_running_loop().create_task(self._watch_exit(self.proc))
        try:
            failure = await asyncio.wait_for(asyncio.shield(self.api.ready), INIT_TIMEOUT)
        except TimeoutError:
            failure = InvokeResult(error_type="Runtime.InitTimeout", timed_out=True,
                                   error_message=f"the runtime did not ask for an event within "
                                                 f"{INIT_TIMEOUT:.0f} s of its start")
        return failure

    async def _watch_exit(self, proc: asyncio.subprocess.Process) -> None:
        code = await proc.wait()
        self.console.flush()
        status = f"signal {-code}" if code < 0 else f"exit status {code}"
        self.api.fail(InvokeResult(error_type="Runtime.ExitError",
                                   error_message=f"Runtime exited with error: {status}"))

    async def invoke(self, function: Any, body: bytes, timeout: float,
                     arn: str | None = None, wait: float = 0.0) -> InvokeResult:
        """Hand one event to the instance and wait for its answer (up to ``timeout``; ``arn``:
        the function's ARN when the caller has it at hand; ``wait``: seconds to block the loop's
        thread for the answer first, see :data:`HANDOFF_WAIT`). ``self.quick`` tells whether
        that blocking wait saw the answer."""
        loop = self.loop
        logs = self.carry
        self.carry = []
        now = time.time()
        invocation = PendingInvocation(
            request_id=new_request_id(), body=body,
            # The function's own deadline, even when the caller gives up sooner (API Gateway's
            # integration timeout): that is what Lambda tells the runtime.
            deadline_ms=int(now * 1000 + function.timeout * 1000),
            function_arn=arn or function_arn(function.function_name), trace_id=_trace_id(now),
            result=loop.create_future(), logs=logs,
        )
        self.console.sink = logs
        self.quick = False
        self.api.dispatch(invocation)
        left = timeout
        if wait > 0:
            started = time.monotonic()
            self.quick = self.server.wait(invocation.result, min(wait, timeout))
            left -= time.monotonic() - started
        if self.quick:
            result = invocation.result.result()
        else:
            # A timer settling the future: cheaper per invocation than wait_for (a task each time).
            timer = loop.call_later(max(left, 0.0), _time_out, invocation, timeout)
            try:
                result = await invocation.result
            finally:
                timer.cancel()
        #: False when the runtime never took the event (it exited first): Lambda hands such an
        #: event to another execution environment.
        self.delivered = self.api.current is invocation
        self.console.drain()
        self.console.sink = self.carry
        result.logs = logs
        return result

    @property
    def alive(self) -> bool:
        """True while the process runs and its Runtime API accepts events."""
        return self.proc is not None and self.proc.returncode is None and self.api.state != "closed"

    async def stop(self) -> None:
        """Kill the process group, close the endpoint and the pipe."""
        self.api.fail(InvokeResult(error_type="Runtime.ExitError", error_message="instance stopped"))
        if self.proc is not None and self.proc.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
        if self.proc is not None:
            await self.proc.wait()
        if self._watch is not None:
            await self._watch
        await self.server.stop()
        self.console.close()


class FunctionInstances:
    """The instances of one function: reuse idle ones, start new ones up to the limit."""

    def __init__(self, function: Any, launch: Launch) -> None:
        self.function = function
        self.launch = launch
        self.arn = function_arn(function.function_name)
        self.reserved: int | None = function.reserved_concurrency
        limit = self.reserved if self.reserved is not None else MAX_INSTANCES_PER_FUNCTION
        self._slots = asyncio.Semaphore(limit) if limit > 0 else None
        self.idle: list[Instance] = []
        self.all: set[Instance] = set()
        #: How many instances were started (cold starts), for tests and benchmarks.
        self.started = 0
        self._skip_wait = 0

    def _throttled(self) -> InvokeResult:
        return InvokeResult(
            error_type="TooManyRequestsException",
            error_message=f"Rate Exceeded. (function {self.function.function_name!r} has "
                          f"reserved_concurrency={self.reserved} and every instance is busy)",
        )

    async def invoke(self, body: bytes, timeout: float) -> InvokeResult:
        """Run one invocation on an idle instance or a new one."""
        if self._slots is None or (self.reserved is not None and self._slots.locked()):
            return self._throttled()
        instance: Instance | None
        init_logs: list[str]
        failure: InvokeResult | None
        async with self._slots:
            for attempt in range(2):
                if self.idle and self.idle[-1].alive:  # a warm instance: no coroutine, no await
                    instance, init_logs, failure = self.idle.pop(), [], None
                else:
                    instance, init_logs, failure = await self._acquire()
                if failure is not None:
                    failure.logs = init_logs
                    return failure
                assert instance is not None
                wait = 0.0
                if self._skip_wait:
                    self._skip_wait -= 1
                elif len(self.all) - len(self.idle) == 1:  # the function's one busy instance
                    wait = HANDOFF_WAIT
                try:
                    result = await instance.invoke(self.function, body, timeout, self.arn, wait)
                except asyncio.CancelledError:  # the request went away mid-invocation (teardown)
                    asyncio.get_running_loop().create_task(self._discard(instance))
                    raise
                if wait and not instance.quick:
                    self._skip_wait = SKIP_AFTER_SLOW
                if instance.alive and not result.timed_out:
                    self.idle.append(instance)
                    return result
                await self._discard(instance)
                # a warm instance that exited (e.g. after an uncaught exception) before taking
                # the event: the event goes to a new instance, as Lambda does
                if instance.delivered or result.timed_out or attempt:
                    return result
            return result

    async def _acquire(self) -> tuple[Instance | None, list[str], InvokeResult | None]:
        while self.idle:
            instance = self.idle.pop()
            if instance.alive:
                return instance, [], None
            await self._discard(instance)
        instance = Instance(self.launch)
        self.all.add(instance)
        self.started += 1
        failure = await instance.start()
        if failure is not None:
            instance.console.flush()
            logs = list(instance.carry)
            await self._discard(instance)
            return None, logs, failure
        return instance, [], None

    async def _discard(self, instance: Instance) -> None:
        self.all.discard(instance)
        if instance in self.idle:
            self.idle.remove(instance)
        await instance.stop()

    def pids(self) -> list[int]:
        """Process ids of the running instances."""
        return [i.pid for i in self.all if i.pid is not None]

    async def close(self) -> None:
        """Stop every instance."""
        await asyncio.gather(*(self._discard(i) for i in list(self.all)))
