"""Project-wide test configuration. pytester is enabled in pyproject.toml (``-p pytester``):
``pytest_plugins`` here would break runs whose rootdir is elsewhere (``cd /tmp && pytest --apigw``
collects the conformance suite from this tree, making this a non-top-level conftest)."""

import os
import sys

# Cached bytecode for the interpreters this suite starts (issue 13). It starts many: xdist
# workers, pytester subprocesses, Lambda worker processes and templates, benchmark sessions. With
# PYTHONDONTWRITEBYTECODE set (as some CI images do) each of them compiles this project from source
# and has pytest rewrite hypothesis's modules again (hypothesis ships a pytest plugin, so pytest
# rewrites its whole distribution): about 0.7 s of CPU per interpreter, half the suite's CPU.
# Bytecode goes to __pycache__ folders (gitignored), as Python does by default; the interpreters
# started from here inherit the setting. PYTEST_APIGW_NO_BYTECODE=1 leaves the variable alone.
if os.environ.get("PYTHONDONTWRITEBYTECODE") and not os.environ.get("PYTEST_APIGW_NO_BYTECODE"):
    del os.environ["PYTHONDONTWRITEBYTECODE"]
    sys.dont_write_bytecode = False
