"""Project-wide test configuration. pytester is enabled in pyproject.toml (``-p pytester``):
``pytest_plugins`` here would break runs whose rootdir is elsewhere (``cd /tmp && pytest --apigw``
collects the conformance suite from this tree, making this a non-top-level conftest)."""

import os
import sys

import pytest

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
#: (the conformance suite's integration timeouts sleep about 8 s; 350 deploy cycles; the benchmark
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


def _long_first(items: list) -> None:
    """Modules with long tests first, each module's tests kept together (issue 13). Under xdist
    (``-n 3``, ``--dist loadgroup`` from pyproject's addopts: each test is a unit of its own but the
    CDK group's, the group first as the largest unit, and a worker is given more when two or fewer
    of its tests are left) the long tests are spread over the workers while the many short ones
    fill the end, so no worker sits idle behind another's last long test; in one process the
    order changes nothing but when the long tests run."""
    long_modules = {getattr(item, "module", None) for item in items if _long(item)}
    items.sort(key=lambda item: getattr(item, "module", None) not in long_modules)


#: The xdist group of the tests that build stacks with aws-cdk-lib (``--dist loadgroup`` in
#: pyproject's addopts). aws-cdk-lib runs on Node.js through jsii: the first CDK call in a process
#: starts a jsii kernel and loads the library (about 7 s of CPU; a module of CDK tests alone costs
#: 8-9 s, all of them together 10 s) and a fresh checkout compiles aws_cdk's Python bindings
#: (about 21 MB of source). Spread over three workers each paid that; in one group one worker does.
CDK_GROUP = "cdk"


def _mentions_cdk(function: object) -> bool:
    """True when ``function``'s code imports ``aws_cdk`` (by name or through
    ``pytest.importorskip("aws_cdk")``)."""
    code = getattr(function, "__code__", None)
    return code is not None and ("aws_cdk" in code.co_names or "aws_cdk" in code.co_consts)


def _uses_cdk(item: object) -> bool:
    """True for a test whose function, or a fixture it uses, imports ``aws_cdk``."""
    if _mentions_cdk(getattr(item, "function", None)):
        return True
    definitions = getattr(getattr(item, "_fixtureinfo", None), "name2fixturedefs", {})
    return any(_mentions_cdk(getattr(definition, "func", None))
               for name in getattr(item, "fixturenames", ()) for definition in definitions.get(name, ()))


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: object, items: list) -> None:
    """The CDK tests in one xdist group (:data:`CDK_GROUP`), then the long modules first. First
    (``tryfirst``): xdist reads the group marks in its own hook of this name on each worker."""
    for item in items:
        if _uses_cdk(item):
            item.add_marker(pytest.mark.xdist_group(CDK_GROUP))
    _long_first(items)



class _GroupsInNodeIds:
    """On an xdist worker under ``--dist loadgroup``: each grouped test's node id ends with
    ``@<group>``, which is how the controller learns the groups. xdist 3.8 writes the suffix into
    ``item._nodeid``, which pytest 9.2 no longer reads (its node ids are structured, ``item._id``),
    so every group silently falls apart (pytest-dev/pytest-xdist#1386, fix proposed in #1388).
    This writes the suffix where pytest 9.2 reads it, after xdist's own hook, only where it is
    missing: with a pytest or xdist where xdist's suffix takes effect it does nothing."""

    @pytest.hookimpl(trylast=True)
    def pytest_collection_modifyitems(self, items: list) -> None:
        """Add the missing ``@<group>`` suffixes."""
        for item in items:
            names = sorted({str(mark.args[0] if mark.args else mark.kwargs.get("name", "default"))
                            for mark in item.iter_markers("xdist_group")})
            if names and "@" not in item.nodeid.rpartition("]")[2] and hasattr(item, "_id"):
                item._id = type(item._id).parse(f"{item.nodeid}@{'_'.join(names)}")


def pytest_configure(config: pytest.Config) -> None:
    """On an xdist worker of a ``--dist loadgroup`` run: :class:`_GroupsInNodeIds`."""
    if hasattr(config, "workerinput") and config.getvalue("loadgroup"):
        config.pluginmanager.register(_GroupsInNodeIds(), "apigw-groups-in-node-ids")
