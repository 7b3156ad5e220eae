"""The pytest11 entry point: options, backend selection, report header and failure sections.

Kept free of heavy imports: backends are created only when a test asks for one.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pytest_apigw.fixtures import BACKEND_KEY, apigw, apigw_backend, apigw_session  # noqa: F401
from pytest_apigw.invocations import LOG, report_section
from pytest_apigw.registry import BackendRegistry
from pytest_apigw.session import LazyBackend

#: The conformance suite is a plugin of its own (its folder, option and hypothesis profiles).
pytest_plugins = ["pytest_apigw.contract.plugin"]

DEFAULT_BACKEND = "embedded"
ENV_BACKEND = "PYTEST_APIGW_BACKEND"
REGISTRY_KEY = pytest.StashKey[BackendRegistry]()
_MARK_KEY = pytest.StashKey[int]()


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
    return (
        config.getoption("apigw")
        or config.getini("apigw_backend")
        or os.environ.get(ENV_BACKEND)
        or DEFAULT_BACKEND
    )


@pytest.hookimpl(trylast=True)
def pytest_apigw_make_backend(name: str, config: pytest.Config):  # type: ignore[no-untyped-def]
    """Default backend factory: ask the registry."""
    return config.stash[REGISTRY_KEY].create(name, config)


def pytest_configure(config: pytest.Config) -> None:
    """Collect the registered backends and validate the selection."""
    registry = BackendRegistry()
    config.hook.pytest_apigw_register_backends(registry=registry)
    config.stash[REGISTRY_KEY] = registry
    _take_back_swallowed_path(config, registry)
    name = selected_backend(config)
    registry.get(name)  # UsageError listing the registered backends when unknown
    config.stash[BACKEND_KEY] = LazyBackend(name, config)


def _take_back_swallowed_path(config: pytest.Config, registry: BackendRegistry) -> None:
    """``pytest --apigw tests/`` means "default backend, run tests/": the optional value of
    ``--apigw`` swallowed a path. Give it back to the arguments."""
    value = config.getoption("apigw")
    if not value or value in registry or not Path(value.split("::")[0]).exists():
        return
    config.option.apigw = DEFAULT_BACKEND
    if not isinstance(config.args, list):
        return
    if config.args_source == pytest.Config.ArgsSource.ARGS:
        config.args.append(value)
    else:  # the args were testpaths or the invocation dir only because none were given
        config.args[:] = [value]


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
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):  # type: ignore[no-untyped-def]
    """On failure, add an ``apigw`` section: each request's route, event and handler traceback.
    Once the teardown report is written the invocation log is emptied: nothing a test made is
    kept for the next one."""
    report = yield
    if report.failed and _MARK_KEY in item.stash:
        invocations = LOG.since(item.stash[_MARK_KEY])
        if invocations:
            report.sections.append((f"apigw gateway log ({report.when})", report_section(invocations)))
    if report.when == "teardown":
        LOG.clear()
    return report
