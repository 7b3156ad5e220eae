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


#: Fixtures whose tests take seconds, mostly waiting (a pytest subprocess, a MiniStack deployment).
LONG_FIXTURES = frozenset({"pytester", "ministack", "localstack"})
#: Modules with a test of several seconds that neither uses those fixtures nor is marked ``slow``
#: (the conformance suite's integration timeouts sleep about 8 s; 1000 deploy cycles; the benchmark
#: harness; 300 generated requests).
LONG_MODULES = frozenset({
    "pytest_apigw/contract/test_timeouts.py", "tests/embedded/test_isolation_leaks.py",
    "tests/unit/test_benchmarks_smoke.py", "tests/unit/test_strategies.py",
})


def _long(item: object) -> bool:
    """True for a test marked ``slow``, in one of :data:`LONG_MODULES` or using a fixture of
    :data:`LONG_FIXTURES`."""
    names = set(getattr(item, "fixturenames", ()))
    get_marker = getattr(item, "get_closest_marker", None)
    path = str(getattr(item, "nodeid", "")).partition("::")[0]
    return (bool(names & LONG_FIXTURES) or path in LONG_MODULES
            or (get_marker is not None and get_marker("slow") is not None))


def pytest_collection_modifyitems(config: object, items: list) -> None:
    """Modules with long tests first, each module's tests kept together (issue 13). Under xdist
    (``-n 3``, with ``--maxschedchunk=2`` from pyproject's addopts: tests are handed out two at a
    time) the long tests are spread over the workers while the many short ones fill the end, so
    no worker sits idle behind another's last long test; in one process the order changes nothing
    but when the long tests run."""
    long_modules = {getattr(item, "module", None) for item in items if _long(item)}
    items.sort(key=lambda item: getattr(item, "module", None) not in long_modules)
