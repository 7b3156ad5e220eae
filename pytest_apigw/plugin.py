"""The pytest11 entry point: options, backend selection, report header and failure sections.

Kept free of heavy imports: backends are created only when a test asks for one.
"""

from __future__ import annotations

import os
from collections.abc import Generator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from pytest_apigw.fixtures import (  # noqa: F401 - the fixtures
    BACKEND_KEY,
    apigw,
    apigw_backend,
    apigw_issuer,
    apigw_session,
)
from pytest_apigw.invocations import LOG, report_section
from pytest_apigw.registry import BackendRegistry
from pytest_apigw.session import LazyBackend
from pytest_apigw.tracebacks import hide_own_frames

if TYPE_CHECKING:
    from pytest_apigw.backend import Backend

#: The conformance suite is a plugin of its own (its folder, option and hypothesis profiles);
#: so is route coverage (its options, the xdist hand-over, the reports).
pytest_plugins = ["pytest_apigw.contract.plugin", "pytest_apigw.coverage.plugin"]

DEFAULT_BACKEND = "embedded"
ENV_BACKEND = "PYTEST_APIGW_BACKEND"
REGISTRY_KEY = pytest.StashKey[BackendRegistry]()
_MARK_KEY = pytest.StashKey[int]()
_TOLD_KEY = pytest.StashKey[set[str]]()


def pytest_addhooks(pluginmanager: pytest.PytestPluginManager) -> None:
    """Add the ``apigw_*`` hook specifications."""
    from pytest_apigw import hookspecs

    pluginmanager.add_hookspecs(hookspecs)


def pytest_addoption(parser: pytest.Parser) -> None:
    """``--apigw[=BACKEND]``, ``--apigw-endpoint`` and their ini / environment fallbacks."""
    group = parser.getgroup("apigw", "API Gateway v2 testing (pytest-apigw)")
    group.addoption(
        "--apigw", action="store", nargs="?", const=DEFAULT_BACKEND, default=None,
        metavar="BACKEND",
        help=f"deploy APIs to BACKEND (default {DEFAULT_BACKEND!r}) and run the built-in "
        f"conformance suite too; falls back to ini 'apigw_backend', then ${ENV_BACKEND}",
    )
    group.addoption(
        "--apigw-endpoint", action="store", default=None, metavar="URL",
        help="endpoint of a LocalStack-compatible server (else $AWS_ENDPOINT_URL, $LOCALSTACK_HOST)",
    )
    parser.addini("apigw_backend", "backend used when --apigw is not given", default="")


def selected_backend(config: pytest.Config) -> str:
    """The backend name: ``--apigw``, then ini ``apigw_backend``, then ``$PYTEST_APIGW_BACKEND``."""
    return backend_choice(config)[0]


def backend_choice(config: pytest.Config) -> tuple[str, str]:
    """``(backend name, where it was set)`` in the order of :func:`selected_backend`."""
    for value, source in (
        (config.getoption("apigw"), "--apigw"),
        (config.getini("apigw_backend"), "ini option apigw_backend"),
        (os.environ.get(ENV_BACKEND), f"${ENV_BACKEND}"),
    ):
        if value:
            return value, source
    return DEFAULT_BACKEND, "the default"


@pytest.hookimpl(trylast=True)
def pytest_apigw_make_backend(name: str, config: pytest.Config) -> Backend:
    """Default backend factory: ask the registry."""
    return config.stash[REGISTRY_KEY].create(name, config)


def pytest_configure(config: pytest.Config) -> None:
    """Collect the registered backends and validate the selection."""
    registry = BackendRegistry()
    config.hook.pytest_apigw_register_backends(registry=registry)
    config.stash[REGISTRY_KEY] = registry
    _take_back_swallowed_path(config, registry)
    name, source = backend_choice(config)
    registry.get(name, source=source)  # UsageError listing the registered backends when unknown
    config.stash[BACKEND_KEY] = LazyBackend(name, config)


def _take_back_swallowed_path(config: pytest.Config, registry: BackendRegistry) -> None:
    """``pytest --apigw tests/`` means "default backend, run tests/": the optional value of
    ``--apigw`` swallowed a path. Give it back to the arguments."""
    value = config.getoption("apigw")
    if not value or value in registry or not _looks_like_a_path(value):
        return
    config.option.apigw = DEFAULT_BACKEND
    if not isinstance(config.args, list):
        return
    if config.args_source == pytest.Config.ArgsSource.ARGS:
        config.args.append(value)
    else:  # the args were testpaths or the invocation dir only because none were given
        config.args[:] = [value]


def _shorten_repeated_unavailable(
    config: pytest.Config, error: BaseException, report: pytest.TestReport
) -> None:
    """An unavailable backend's whole reason is shown at the first test that needed it; the
    others get its first line and a pointer (not the same long text once per test)."""
    name = getattr(error, "apigw_unavailable", None)
    if name is None:
        return
    told = config.stash.setdefault(_TOLD_KEY, set())
    if name not in told:
        told.add(name)
        return
    lines = str(error).strip().splitlines() or [""]
    report.longrepr = (f"backend {name!r} is unavailable: {lines[0]} "
                       "(the whole reason is at the first test that needed it)")


def _looks_like_a_path(value: str) -> bool:
    """A file, folder or test id (backend names have no ``/``, ``.`` or ``::``)."""
    return Path(value.split("::")[0]).exists() or any(mark in value for mark in ("::", "/", ".py"))


def pytest_unconfigure(config: pytest.Config) -> None:
    """Stop the backend if the session started one."""
    holder = config.stash.get(BACKEND_KEY, None)
    if holder is not None:
        holder.close()


def pytest_report_header(config: pytest.Config) -> str:
    """``apigw: backend 'embedded' (registered: embedded, localstack)``."""
    registry = config.stash[REGISTRY_KEY]
    name = config.stash[BACKEND_KEY].name
    entry = registry.get(name)
    about = f" - {entry.description}" if entry.description else ""
    return f"apigw: backend {name!r}{about} (registered: {', '.join(registry.names())})"


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """Remember where the invocation log stood when the test started."""
    item.stash[_MARK_KEY] = LOG.mark()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """On failure, add an ``apigw`` section: each request's route, event and handler traceback;
    pytest-apigw's own errors are shown at the user's line, without the plugin's frames. Once the
    teardown report is written the invocation log is emptied: nothing a test made is kept for the
    next one."""
    if call.excinfo is not None and not item.config.getoption("fulltrace", False):
        hide_own_frames(call.excinfo)
    report = yield
    if call.excinfo is not None:
        _shorten_repeated_unavailable(item.config, call.excinfo.value, report)
    if report.failed and _MARK_KEY in item.stash:
        invocations = LOG.since(item.stash[_MARK_KEY])
        if invocations:
            report.sections.append((f"apigw gateway log ({report.when})", report_section(invocations)))
    if report.when == "teardown":
        LOG.clear()
    return report
