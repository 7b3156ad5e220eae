"""Fixtures of the conformance suite (collected when ``pytest --apigw[=BACKEND]`` runs)."""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterator
from typing import TYPE_CHECKING

import pytest

from pytest_apigw.contract import profiles  # registers the apigw-ci / apigw-thorough profiles
from pytest_apigw.contract.cases import serves
from pytest_apigw.contract.gaps import FIELDS, GAPS_KEY, Gaps, parse_known_gaps
from pytest_apigw.contract.probes import EchoUpstream, EventSink

if TYPE_CHECKING:
    from pytest_apigw.backend import Backend


def pytest_configure(config: pytest.Config) -> None:
    """Scale the examples to the selected backend before the test modules are imported."""
    from pytest_apigw.plugin import selected_backend

    profiles.use_backend(selected_backend(config))


@pytest.fixture(scope="session")
def known_gaps(pytestconfig: pytest.Config) -> tuple[dict[str, str], dict[str, tuple[str, ...]]]:
    """The gaps you declared for your backend (ini ``apigw_known_gaps``): ``(gaps, fields)``."""
    return parse_known_gaps(pytestconfig.getini("apigw_known_gaps"))


@pytest.fixture(scope="session")
def require(
    apigw_backend: Backend, known_gaps: tuple[dict[str, str], dict[str, tuple[str, ...]]]
) -> Callable[[str], None]:
    """``require(capability)``: skip, saying why, when the selected backend lacks it, or you
    declared it a gap that excuses no field (none given, none known to the suite)."""
    user_gaps, user_fields = known_gaps

    def check(capability: str) -> None:
        if capability in user_gaps and not (user_fields.get(capability) or FIELDS.get(capability)):
            pytest.skip(f"declared in apigw_known_gaps: {capability}: {user_gaps[capability]}")
        if not serves(apigw_backend, capability):
            # a backend may say why (e.g. the localstack backend on MiniStack: capability_gaps)
            why = getattr(apigw_backend, "capability_gaps", {}).get(capability)
            pytest.skip(f"backend {apigw_backend.name!r} does not support {capability!r}"
                        + (f": {why}" if why else ""))
    return check


@pytest.fixture(scope="session")
def echo_upstream() -> Iterator[EchoUpstream]:
    """A loopback HTTP server describing each request it gets (HTTP proxy probe)."""
    with EchoUpstream() as upstream:
        yield upstream


@pytest.fixture(scope="session")
def event_sink() -> Iterator[EventSink]:
    """A loopback HTTP server keeping the events the WebSocket probes report."""
    with EventSink() as sink:
        yield sink


@pytest.fixture
def gaps(
    apigw_backend: Backend, known_gaps: tuple[dict[str, str], dict[str, tuple[str, ...]]],
    request: pytest.FixtureRequest,
) -> Gaps:
    """The declared gaps (the backend's and yours) met by this case (a case that met some ends
    xfail, naming them and the fields that differed)."""
    found = Gaps(apigw_backend, known_gaps)
    request.node.stash[GAPS_KEY] = found
    return found


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """A case that passed but met declared backend gaps is reported xfail, with the gaps."""
    report = yield
    found = item.stash.get(GAPS_KEY, None)
    if report.when == "call" and report.passed and found is not None and found.met:
        report.outcome = "skipped"
        report.wasxfail = found.reason()
    return report
