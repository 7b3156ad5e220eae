"""The conformance suite as its own pytest plugin: ``pytest --apigw[=BACKEND]`` adds this
folder's cases to the run (``--apigw-no-conformance`` leaves them out) and registers its
hypothesis profiles (``ci``, ``thorough``) before hypothesis loads the one asked for.

Registered by the core plugin (``pytest_plugins``); kept free of heavy imports.
"""

from __future__ import annotations

from pathlib import Path

import pytest

CONTRACT_DIR = Path(__file__).parent


def pytest_addoption(parser: pytest.Parser) -> None:
    """``--apigw-no-conformance``."""
    parser.getgroup("apigw", "API Gateway v2 testing (pytest-apigw)").addoption(
        "--apigw-no-conformance", action="store_true", default=False,
        help="with --apigw, do not add the built-in conformance suite to the run",
    )


@pytest.hookimpl(tryfirst=True)
def pytest_cmdline_main(config: pytest.Config) -> None:
    """Register the suite's hypothesis profiles before hypothesis loads the one
    ``--hypothesis-profile`` names (hypothesis is imported only then)."""
    if getattr(config.option, "hypothesis_profile", None):
        import pytest_apigw.contract.profiles  # noqa: F401


@pytest.hookimpl(trylast=True)
def pytest_configure(config: pytest.Config) -> None:
    """With ``--apigw``, add the suite's folder to the paths to collect."""
    if config.getoption("apigw") and not config.getoption("apigw_no_conformance"):
        contract = str(CONTRACT_DIR)
        if isinstance(config.args, list) and contract not in config.args:
            config.args.append(contract)
