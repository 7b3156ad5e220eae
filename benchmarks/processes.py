"""Servers and processes of the benchmark harness: loopback ports, the loop thread in-process
servers run on, child processes started and stopped as a group, readiness polling."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pytest_apigw_embedded.server.loop import LoopThread as EmbeddedLoopThread

from benchmarks.common import LOOPBACK, clock


def free_port() -> int:
    """A loopback port that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((LOOPBACK, 0))
        return sock.getsockname()[1]


#: The gateway's own loop thread (uvloop in a daemon thread), reused for in-process servers.
LoopThread = EmbeddedLoopThread


def wait_http(url: str, *, timeout: float = 30.0, proc: subprocess.Popen[bytes] | None = None) -> float:
    """Poll ``url`` until it answers 200; the seconds it took. Fails early if ``proc`` exits."""
    import urllib.error
    import urllib.request

    start = clock()
    last: Exception | None = None
    while clock() - start < timeout:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"process exited with {proc.returncode} before {url} answered")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return clock() - start
        except (OSError, urllib.error.URLError) as exc:
            last = exc
        time.sleep(0.1)
    raise TimeoutError(f"{url} did not answer 200 within {timeout:.0f} s ({last!r})")


def start_process(
    args: Sequence[str], *, env: dict[str, str] | None = None, log: Path | None = None,
    cwd: Path | None = None,
) -> subprocess.Popen[bytes]:
    """Start ``args`` in its own process group (so :func:`stop_process` ends it and its children)."""
    out = open(log, "wb") if log is not None else subprocess.DEVNULL  # noqa: SIM115
    try:
        return subprocess.Popen(
            list(args), env={**os.environ, **(env or {})}, stdout=out, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, cwd=cwd, start_new_session=True,
        )
    finally:
        if log is not None:
            out.close()  # type: ignore[union-attr]


def stop_process(proc: subprocess.Popen[bytes], timeout: float = 5.0) -> None:
    """SIGTERM the process group started by :func:`start_process`, then SIGKILL if it lingers."""
    if proc.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout)


PYTHON = sys.executable


def stop_server(thread: LoopThread, server: Any) -> None:
    """Close ``server`` (an asyncio server made on ``thread``'s loop), then stop the thread."""
    async def stop() -> None:
        server.close()
        await server.wait_closed()

    thread.run(stop())
    thread.stop()
