"""The conformance suite as its own pytest plugin: ``pytest --apigw[=BACKEND]`` adds this
folder's cases to the run (``--apigw-no-conformance`` leaves them out; so does a run naming only
test files or test ids, as when editing one test) and registers its
hypothesis profiles (``apigw-ci``, ``apigw-thorough``) before hypothesis loads the one asked for.

Registered by the core plugin (``pytest_plugins``); kept free of heavy imports.
"""

from __future__ import annotations

from pathlib import Path

import pytest

CONTRACT_DIR = Path(__file__).parent


def pytest_addoption(parser: pytest.Parser) -> None:
    """``--apigw-no-conformance``, and the ini option ``apigw_known_gaps``."""
    parser.getgroup("apigw", "API Gateway v2 testing (pytest-apigw)").addoption(
        "--apigw-no-conformance", action="store_true", default=False,
        help="with --apigw, do not add the built-in conformance suite to the run",
    )
    parser.addini(
        "apigw_known_gaps", type="linelist", default=[],
        help="differences your backend is known to have, one a line: 'capability: reason' (the "
        "fields the suite knows for it are excused; with none, its cases skip) or 'capability "
        "[field, ...]: reason' (only those fields are excused)",
    )


@pytest.hookimpl(tryfirst=True)
def pytest_cmdline_main(config: pytest.Config) -> None:
    """Register the suite's hypothesis profiles before hypothesis loads the one
    ``--hypothesis-profile`` names (hypothesis is imported only then)."""
    if getattr(config.option, "hypothesis_profile", None):
        import pytest_apigw.contract.profiles  # noqa: F401


_REQUESTED = pytest.StashKey[list[str]]()


def _is_contract_id(arg: str) -> bool:
    """True when ``arg`` names a test of the suite the way a run prints it
    (``test_lambda_proxy.py::test_x[...]``, relative to the suite's folder) and is not a path
    that exists where pytest runs."""
    path = arg.partition("::")[0]
    return bool(path) and not Path(path).exists() and (CONTRACT_DIR / path).is_file()


@pytest.hookimpl(trylast=True)
def pytest_configure(config: pytest.Config) -> None:
    """With ``--apigw``, add the suite's folder to the paths to collect. A test id of the suite
    pasted back from a report (``pytest --apigw test_lambda_proxy.py::test_x``) runs that test
    alone, under the same id."""
    if config.getini("apigw_known_gaps"):  # a malformed line is a usage error now, not per case
        from pytest_apigw.contract.gaps import parse_known_gaps

        parse_known_gaps(config.getini("apigw_known_gaps"))
    if not config.getoption("apigw") or config.getoption("apigw_no_conformance"):
        return
    if not isinstance(config.args, list):
        return
    requested = [arg for arg in config.args if _is_contract_id(arg)]
    config.args[:] = [arg for arg in config.args if arg not in requested]
    config.stash[_REQUESTED] = requested
    contract = str(CONTRACT_DIR)
    if contract in config.args or any(_inside_contract(arg) for arg in config.args):
        return
    if not requested and _targeted(config.args):
        config.stash[_LEFT_OUT] = True
        return
    config.args.append(contract)


_LEFT_OUT = pytest.StashKey[bool]()


def _targeted(args: list[str]) -> bool:
    """The run names test files or test ids only (``pytest --apigw tests/test_api.py``, the
    loop of editing one test): that is what was asked, not the suite beside it. A folder, or
    no path at all (the project's ``testpaths``), is a whole run: the suite comes with it."""
    return bool(args) and all("::" in arg or Path(arg).is_file() for arg in args)


def pytest_report_header(config: pytest.Config) -> str | None:
    """Say so when a run of test files left the conformance suite out."""
    if config.stash.get(_LEFT_OUT, False):
        return ("apigw: conformance suite not run (only test files or ids were named; run a folder, "
                "or pytest --apigw alone, to include it)")
    return None


def _inside_contract(arg: str) -> bool:
    """True when ``arg`` is an existing path in the suite's folder, as a run from the project's
    own checkout prints it (``pytest_apigw/contract/test_x.py::test_y[alb]``): collecting it
    alone is what was asked, not the whole suite beside it."""
    path = Path(arg.partition("::")[0])
    return path.exists() and path.resolve().is_relative_to(CONTRACT_DIR.resolve())


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Keep only the suite's tests a pasted id asked for (the user's own tests stay)."""
    requested = config.stash.get(_REQUESTED, [])
    if not requested:
        return

    def wanted(item: pytest.Item) -> bool:
        if not item.path.is_relative_to(CONTRACT_DIR):
            return True
        return any(item.nodeid == rid or item.nodeid.startswith((f"{rid}::", f"{rid}["))
                   for rid in requested)

    kept = [item for item in items if wanted(item)]
    if len(kept) != len(items):
        config.hook.pytest_deselected(items=[item for item in items if item not in kept])
        items[:] = kept
