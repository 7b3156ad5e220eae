"""A function's ``requirements.txt``, installed into its package as Lambda users expect.

``code/requirements.txt`` is installed with pip into a folder that goes into the zip beside the
handler (what ``sam build`` does without a container): wheels for Lambda's platform
(``manylinux2014_x86_64``) and the function's Python version, binary wheels only, so what is
shipped runs on Lambda and not only here. The result is cached by the requirements' content,
runtime and platform under ``$PYTEST_APIGW_CACHE`` (default ``~/.cache/pytest-apigw``), so a
second run installs nothing. A requirement that cannot be installed is a :class:`SpecError`
naming the function and pip's reason.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from pytest_apigw.errors import SpecError

PLATFORM = "manylinux2014_x86_64"
_DONE = ".pytest-apigw-complete"


def cache_root() -> Path:
    """Where installed requirements are kept between runs."""
    base = os.environ.get("PYTEST_APIGW_CACHE") or os.path.join(Path.home(), ".cache", "pytest-apigw")
    return Path(base) / "requirements"


def python_version(runtime: str) -> str | None:
    """``python3.12`` → ``3.12``; ``None`` for a runtime that is not Python."""
    return runtime.removeprefix("python") if runtime.startswith("python3") else None


def requirements_file(function: object) -> Path | None:
    """``code/requirements.txt`` of a Python function, if it has one."""
    code = getattr(function, "code", None)
    runtime = getattr(function, "runtime", "python3.11")
    if code is None or python_version(runtime) is None:
        return None
    candidate = Path(code) / "requirements.txt"
    return candidate if candidate.is_file() else None


def installed(function: object) -> Path | None:
    """The folder holding the function's installed requirements (``None``: it has none)."""
    requirements = requirements_file(function)
    if requirements is None:
        return None
    version = python_version(getattr(function, "runtime", "python3.11")) or "3.11"
    digest = hashlib.sha256(requirements.read_bytes() + f"|{version}|{PLATFORM}".encode()).hexdigest()[:16]
    target = cache_root() / digest
    if (target / _DONE).exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f"{digest}-", dir=target.parent))
    command = [
        sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
        "--no-compile", "--target", str(staging), "-r", str(requirements),
        "--platform", PLATFORM, "--implementation", "cp", "--python-version", version,
        "--only-binary=:all:",
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)
    if done.returncode != 0:
        shutil.rmtree(staging, ignore_errors=True)
        reason = (done.stderr or done.stdout).strip().splitlines()[-3:]
        raise SpecError(
            getattr(function, "label", "Function"),
            f"{requirements} could not be installed for Lambda (python{version}, {PLATFORM}): "
            + " | ".join(reason) + " (a requirement needs a wheel for that platform and version)",
        )
    (staging / _DONE).touch()
    try:
        staging.rename(target)
    except OSError:  # another worker finished first: use theirs
        shutil.rmtree(staging, ignore_errors=True)
    return target
