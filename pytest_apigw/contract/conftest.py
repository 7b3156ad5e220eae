"""Fixtures of the conformance suite (collected when ``pytest --apigw[=BACKEND]`` runs)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from pytest_apigw.contract import profiles  # noqa: F401 - registers the ci / thorough profiles
from pytest_apigw.contract.probes import EchoUpstream


@pytest.fixture(scope="session")
def require(apigw_backend) -> Callable[[str], None]:  # type: ignore[no-untyped-def]
    """``require(capability)``: skip, saying why, when the selected backend lacks it."""
    def check(capability: str) -> None:
        if not apigw_backend.supports(capability):
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
