"""Every fixture of pytest-apigw (each documented: see ``pytest --fixtures``)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from pytest_apigw.backend import Backend
from pytest_apigw.session import Apigw, LazyBackend

BACKEND_KEY = pytest.StashKey[LazyBackend]()


def lazy_backend(config: pytest.Config) -> LazyBackend:
    """The session's backend holder (made in ``pytest_configure``)."""
    return config.stash[BACKEND_KEY]


@pytest.fixture(scope="session")
def apigw_backend(pytestconfig: pytest.Config) -> Backend:
    """The selected API Gateway backend (``--apigw[=NAME]``, default ``embedded``), started on
    first use and stopped at the end of the session.

    Use it to ask what the backend serves: ``apigw_backend.supports("http.private.alb")``.
    """
    return lazy_backend(pytestconfig).get()


def _make(request: pytest.FixtureRequest) -> Apigw:
    """An :class:`Apigw` over the ``apigw_backend`` fixture, asked for on the first deploy (so a
    test that deploys nothing starts nothing, and overriding ``apigw_backend`` in a conftest
    changes where ``apigw`` deploys)."""
    hook = request.config.hook
    return Apigw(lambda: request.getfixturevalue("apigw_backend"),
                 lambda d: hook.pytest_apigw_deployed(deployment=d))


@pytest.fixture
def apigw(request: pytest.FixtureRequest) -> Iterator[Apigw]:
    """Deploy API specs for one test: ``deployment = apigw.deploy(api)``.

    The deployment's ``.url`` (and ``.ws_url`` for a WebSocket API) is live on loopback on the
    embedded backend; everything deployed is torn down after the test. When the test fails,
    the report shows each request's matched route, the event the handler got and its traceback.
    """
    session = _make(request)
    yield session
    session.teardown()


@pytest.fixture(scope="session")
def apigw_session(request: pytest.FixtureRequest) -> Iterator[Apigw]:
    """Like ``apigw`` but session-scoped: deploy once for many tests, or use
    ``with apigw_session.deployed(api) as deployment:`` inside a hypothesis ``@given`` test
    (function-scoped fixtures are not reset between examples)."""
    session = _make(request)
    yield session
    session.teardown()
