"""Helpers for the tests of Node.js and custom runtimes: handler directories, live processes."""

from __future__ import annotations

import time
from pathlib import Path

RUNTIMES = Path(__file__).with_name("runtimes")
NODE_CJS = RUNTIMES / "node_cjs"
NODE_ESM_TYPE = RUNTIMES / "node_esm_type"
NODE_MJS = RUNTIMES / "node_mjs"
BASH_TUTORIAL = RUNTIMES / "bash_tutorial"
PYTHON_RIC = RUNTIMES / "python_ric"
FAKE_RUNTIME = RUNTIMES / "fake_runtime"
#: AWS's Node.js runtime interface client; installed by ``npm ci --prefix`` this directory.
NODE_RIC = RUNTIMES / "node_ric"


def alive(pid: int) -> bool:
    """True while process ``pid`` exists and is not a zombie."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def wait_gone(pids: list[int], timeout: float = 5.0) -> list[int]:
    """The processes of ``pids`` still alive after ``timeout`` seconds (empty: all gone)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        left = [p for p in pids if alive(p)]
        if not left:
            return []
        time.sleep(0.02)
    return [p for p in pids if alive(p)]


def instances(deployment, function):
    """The embedded backend's instances of ``function`` (``FunctionInstances``)."""
    runtime = deployment.backend.services.lambda_runtime(function)
    return runtime.instances(function)
