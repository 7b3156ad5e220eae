"""The warm template of Python worker processes: ``python -m pytest_apigw_embedded.lambda_runtime.template``.

Starting an interpreter and importing the worker's modules costs a process isolated function
most of its cold start. The template pays that once per runtime; each worker is then a fork of
it, made the way a fresh worker would have started: its own session (process group), the
function's environment (``os.environ`` replaced, ``TZ`` applied), the working directory and
``PYTHONPATH`` it would have been started with, its own stderr (the test's at the moment the
worker is made), ``stdin`` on ``/dev/null``. The handler's own module is imported in the worker,
never in the template, so every worker starts with a fresh copy of the user's code and state.

Control channel: this process's stdin is one end of an ``AF_UNIX``/``SOCK_SEQPACKET`` pair. It
sends ``("ready", pid)`` once its imports are done; each request is a pickled
``{"env": {...}, "cwd": str}`` carrying two file descriptors (the worker's channel socket and
its stderr) and is answered ``("forked", pid)`` or ``("error", message)``. The worker speaks the
protocol of :mod:`.worker` on its channel. End of the control channel ends the template;
workers live on until their own channel closes.
"""

from __future__ import annotations

import atexit
import contextlib
import gc
import os
import pickle
import signal
import socket
import sys
import time
import traceback
from typing import Any, NoReturn

from pytest_apigw_embedded.lambda_runtime import worker

#: Largest control request (a function's environment, pickled).
MAX_REQUEST = 1 << 20
#: Modules a handler commonly imports that read nothing from the environment at import time:
#: imported once here, so a worker does not pay for them again.
WARM_MODULES = (
    "base64", "collections", "dataclasses", "datetime", "decimal", "functools", "json", "re",
    "typing", "urllib.parse", "uuid",
)


def _warm() -> None:
    for name in WARM_MODULES:
        with contextlib.suppress(ImportError):
            __import__(name)


def _python_path(env: dict[str, str]) -> list[str]:
    return [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p]


def _become_worker(request: dict[str, Any], fds: list[int], base_path: list[str]) -> NoReturn:
    """In the forked child: take the function's process state, then serve (never returns)."""
    code = 1
    try:
        os.setsid()
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        channel, stderr = fds
        os.dup2(stderr, 2)
        os.dup2(stderr, 1)  # stray prints go to stderr, never into the protocol
        os.close(stderr)
        cwd: str = request["cwd"]
        env: dict[str, str] = request["env"]
        os.chdir(cwd)
        os.environ.clear()
        os.environ.update(env)
        time.tzset()
        # What `python -m` would have put on the path: the working directory, PYTHONPATH, then
        # the interpreter's own entries.
        sys.path[:] = [cwd, *_python_path(env), *base_path]
        inp = os.fdopen(channel, "rb")
        out = os.fdopen(os.dup(channel), "wb")
        worker.serve(inp, out)
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except BaseException:  # what an uncaught exception would print before the process ends
        traceback.print_exc()
    finally:
        with contextlib.suppress(BaseException):
            atexit._run_exitfuncs()
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(BaseException):
                stream.flush()
        os._exit(code)


def main() -> None:
    """Warm up, say ready, then fork one worker per request until the control channel closes."""
    control = socket.socket(fileno=os.dup(0))
    null = os.open(os.devnull, os.O_RDWR)
    os.dup2(null, 0)
    os.close(null)
    os.dup2(2, 1)
    _warm()
    own_path = set(_python_path(dict(os.environ)))
    base_path = [p for p in sys.path[1:] if p not in own_path]
    # Workers are reaped by the kernel; the runtime waits for them through a pidfd.
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)
    # What the template imported is never garbage: keep it out of the workers' collections (and
    # their pages shared with the template), as the gc docs advise before fork().
    gc.freeze()
    control.send(pickle.dumps(("ready", os.getpid())))
    while True:
        try:
            data, fds, _, _ = socket.recv_fds(control, MAX_REQUEST, 2)
        except OSError:
            break
        if not data:
            break
        try:
            if len(fds) != 2:
                raise ValueError(f"expected 2 file descriptors, got {len(fds)}")
            request = pickle.loads(data)
            sys.stdout.flush()
            sys.stderr.flush()
            pid = os.fork()
        except Exception as exc:
            for fd in fds:
                os.close(fd)
            control.send(pickle.dumps(("error", repr(exc))))
            continue
        if pid == 0:
            control.close()
            _become_worker(request, fds, base_path)
        for fd in fds:
            os.close(fd)
        control.send(pickle.dumps(("forked", pid)))


if __name__ == "__main__":
    main()
