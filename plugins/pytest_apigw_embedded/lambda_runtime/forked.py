"""Python worker processes forked from a warm template (see :mod:`.template`): the runtime's side.

:class:`WorkerTemplate` starts the template process once (at the first ``prepare``, so it warms
up while the deployment is being made and the test sends its first request) and asks it for
workers; :class:`ForkedWorker` is one worker: frames over a socket, killed through a pidfd (so a
recycled pid is never signalled) and waited for until it is gone.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import pickle
import signal
import socket
import subprocess
import sys
from typing import Any

from pytest_apigw_embedded.lambda_runtime.result import InvokeResult
from pytest_apigw_embedded.lambda_runtime.worker import HEADER

#: Longest wait for the template's imports (it is a fresh interpreter on a busy machine).
READY_TIMEOUT = 30.0
#: Longest wait for a killed worker to disappear.
GONE_TIMEOUT = 5.0


def supported() -> bool:
    """Fork-based workers need ``fork``, ``SCM_RIGHTS`` and pidfds (Linux 5.3+)."""
    return hasattr(os, "fork") and hasattr(os, "pidfd_open") and hasattr(socket, "send_fds") \
        and hasattr(signal, "pidfd_send_signal")


def _exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class ForkedWorker:
    """One worker forked from the template: its pid, a pidfd and its channel."""

    def __init__(self, pid: int, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.pid = pid
        try:
            self.pidfd = os.pidfd_open(pid)
        except ProcessLookupError:  # gone already (it died at once)
            self.pidfd = -1
        self.reader = reader
        self.writer = writer

    async def call(self, obj: Any) -> InvokeResult:
        """Send one frame, read the answer (``IncompleteReadError`` if the worker died)."""
        data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
        self.writer.write(HEADER.pack(len(data)) + data)
        await self.writer.drain()
        (size,) = HEADER.unpack(await self.reader.readexactly(HEADER.size))
        result: InvokeResult = pickle.loads(await self.reader.readexactly(size))
        return result

    def _signal(self) -> None:
        if self.pidfd >= 0:
            with contextlib.suppress(ProcessLookupError, OSError):
                signal.pidfd_send_signal(self.pidfd, signal.SIGKILL)
        self.writer.close()

    def _close_pidfd(self) -> None:
        if self.pidfd >= 0:
            os.close(self.pidfd)
            self.pidfd = -1

    def kill_now(self) -> None:
        """Send SIGKILL (safe if it is gone already) and let go of the worker without waiting."""
        self._signal()
        self._close_pidfd()

    async def kill(self) -> None:
        """Kill the worker and return once it no longer exists."""
        self._signal()
        if self.pidfd < 0:
            return
        loop = asyncio.get_running_loop()
        exited: asyncio.Future[None] = loop.create_future()

        def on_exit() -> None:
            if not exited.done():
                exited.set_result(None)

        loop.add_reader(self.pidfd, on_exit)
        try:
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(GONE_TIMEOUT):
                    await exited
                    # readable at exit; the kernel reaps it a moment later
                    while _exists(self.pid):
                        await asyncio.sleep(0.001)
        finally:
            loop.remove_reader(self.pidfd)
            self._close_pidfd()


class WorkerTemplate:
    """The template process of one runtime: started now, asked for workers on the loop."""

    def __init__(self, env: dict[str, str]) -> None:
        self._control, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        try:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "pytest_apigw_embedded.lambda_runtime.template"],
                stdin=theirs.fileno(), stdout=subprocess.DEVNULL, env=env, close_fds=True,
            )
        except BaseException:
            self._control.close()
            raise
        finally:
            theirs.close()
        self._control.setblocking(False)
        self._ready = False
        self._lock: asyncio.Lock | None = None

    async def _reply(self) -> tuple[Any, ...]:
        data = await asyncio.get_running_loop().sock_recv(self._control, 4096)
        if not data:
            raise RuntimeError(f"the worker template exited (status {self.proc.poll()})")
        reply: tuple[Any, ...] = pickle.loads(data)
        return reply

    async def spawn(self, env: dict[str, str], cwd: str) -> ForkedWorker:
        """A new worker with ``env`` in ``cwd`` (``RuntimeError`` when the template cannot)."""
        if self._lock is None:
            self._lock = asyncio.Lock()
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            async with self._lock:
                if not self._ready:
                    async with asyncio.timeout(READY_TIMEOUT):
                        await self._reply()
                    self._ready = True
                request = pickle.dumps({"env": env, "cwd": cwd}, protocol=pickle.HIGHEST_PROTOCOL)
                socket.send_fds(self._control, [request], [theirs.fileno(), 2])
                theirs.close()
                kind, value = await self._reply()
            if kind != "forked":
                raise RuntimeError(f"the worker template could not fork: {value}")
            reader, writer = await asyncio.open_unix_connection(sock=ours)
        except BaseException:
            ours.close()
            theirs.close()
            raise
        return ForkedWorker(int(value), reader, writer)

    def close(self) -> None:
        """End the template (its workers are ended by their pools)."""
        self._control.close()
        if self.proc.poll() is None:
            self.proc.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(5)
