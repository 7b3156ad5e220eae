"""Node.js runtimes (``nodejs18.x``, ``nodejs20.x``, ``nodejs22.x``): the machine's ``node``
runs ``bootstrap.mjs`` (this package), a Lambda Node.js runtime talking to the Runtime API."""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

from pytest_apigw_embedded.lambda_runtime.instances import Launch

BOOTSTRAP = Path(__file__).with_name("bootstrap.mjs")
#: The oldest Node.js the bootstrap supports (Lambda's oldest Node.js runtime here).
MIN_MAJOR = 18
#: Set to a ``node`` executable to use instead of the one on ``PATH``.
NODE_ENV_VAR = "PYTEST_APIGW_NODE"


@functools.lru_cache(maxsize=8)
def _version(node: str) -> str:
    try:
        done = subprocess.run([node, "--version"], capture_output=True, text=True, timeout=30, check=False)
    except OSError:
        return ""
    return done.stdout.strip()


def find_node(function: Any) -> str:
    """The ``node`` executable, or a :class:`SpecError` naming what to install."""
    node = os.environ.get(NODE_ENV_VAR) or shutil.which("node")
    if not node:
        raise function.error(
            f"runtime {function.runtime!r} needs Node.js: no 'node' on PATH. Install Node.js "
            f"{MIN_MAJOR} or newer (e.g. `apt-get install nodejs`, or nvm), or set {NODE_ENV_VAR} "
            "to a node executable"
        )
    version = _version(node)
    try:
        major = int(version.lstrip("v").split(".")[0])
    except ValueError:
        major = 0
    if major < MIN_MAJOR:
        raise function.error(
            f"runtime {function.runtime!r} needs Node.js {MIN_MAJOR} or newer; {node} is "
            f"{version or 'not a working node'}: install a newer Node.js or set {NODE_ENV_VAR}"
        )
    return node


def launch(function: Any, env: dict[str, str]) -> Launch:
    """How to start an instance of a Node.js ``function``."""
    node = find_node(function)
    function.node_module_file()  # the handler's file is still there (SpecError otherwise)
    return Launch(argv=(node, str(BOOTSTRAP)), env=env, cwd=str(function.code))
