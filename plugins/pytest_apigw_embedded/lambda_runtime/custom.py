"""Custom runtimes (``provided``, ``provided.al2``, ``provided.al2023``): run ``bootstrap``.

The code directory's ``bootstrap`` executable is the runtime, as on Lambda: it reads
``AWS_LAMBDA_RUNTIME_API`` and ``_HANDLER`` and loops over the Runtime API itself (AWS's bash
tutorial bootstrap, ``exec python -m awslambdaric app.handler``, a Go or Rust binary, ...).
Without one in the code, the ``bootstrap`` a layer put in ``/opt`` runs (a runtime shipped as a
layer), as Lambda does.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

from pytest_apigw_embedded.lambda_runtime.instances import Launch


def launch(function: Any, env: dict[str, str], opt: Path | None = None) -> Launch:
    """How to start an instance of ``function`` (``opt``: its extracted layers); a
    :class:`SpecError` when ``bootstrap`` cannot be run (missing or not executable)."""
    code = function.code
    bootstrap = code / "bootstrap"
    if not bootstrap.is_file() and opt is not None and (opt / "bootstrap").is_file():
        bootstrap = opt / "bootstrap"
    if not bootstrap.is_file():
        raise function.error(
            f"runtime {function.runtime!r} runs 'bootstrap' from code, but {str(bootstrap)!r} does "
            "not exist: add an executable bootstrap file (the custom runtime's entry point)"
        )
    if not os.access(bootstrap, os.X_OK):
        raise function.error(
            f"{str(bootstrap)!r} is not executable: run `chmod +x {bootstrap}` (Lambda runs "
            "bootstrap as a program)"
        )
    return Launch(argv=argv(bootstrap), env=env, cwd=str(code))


def argv(bootstrap: Path) -> tuple[str, ...]:
    """The command running ``bootstrap``. On Lambda's Amazon Linux ``/bin/sh`` is bash, and
    AWS's own tutorial bootstrap (``#!/bin/sh``, ``set -euo pipefail``, ``source``) relies on it;
    where ``/bin/sh`` is another shell (dash on Debian), a ``#!/bin/sh`` script runs with bash."""
    with open(bootstrap, "rb") as file:
        first = file.readline(128)
    if first.startswith(b"#!") and first[2:].split(b" ", 1)[0].strip() in (b"/bin/sh", b"/usr/bin/sh"):
        bash = shutil.which("bash")
        if bash is not None and os.path.realpath("/bin/sh") != os.path.realpath(bash):
            return (bash, str(bootstrap))
    return (str(bootstrap),)
