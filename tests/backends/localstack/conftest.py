"""A real MiniStack server for the session, and the ``localstack`` backend pointed at it."""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest
from pytest_apigw_localstack.backend import LocalStackBackend
from pytest_apigw_localstack.ministack import MiniStackServer


@pytest.fixture(scope="session")
def ministack() -> Iterator[MiniStackServer]:
    """``python -m ministack`` on a free loopback port, killed (by its PID) at session end."""
    pytest.importorskip("ministack")
    with MiniStackServer() as server:
        yield server
    assert server.process is None


@pytest.fixture(scope="session")
def localstack(ministack: MiniStackServer) -> Iterator[LocalStackBackend]:
    """The ``localstack`` backend against the session's MiniStack."""
    backend = LocalStackBackend(endpoint=ministack.url)
    backend.start()
    yield backend
    backend.close()


@pytest.fixture
def deploy(localstack: LocalStackBackend) -> Iterator:
    """``deploy(api, stage=None)`` on the localstack backend, torn down after the test."""
    made = []

    def _deploy(api, **kwargs):
        deployment = localstack.deploy(api, **kwargs)
        made.append(deployment)
        return deployment

    yield _deploy
    for deployment in reversed(made):
        deployment.close()


@pytest.fixture
def aws(localstack: LocalStackBackend):
    """The session's boto3 clients (pointed at MiniStack) for checking what was provisioned."""
    return localstack.clients


def pytest_report_header() -> str:
    return f"ministack: {shutil.which('python') or 'python'} -m ministack (session fixture)"
