"""Every fixture of pytest-apigw (each documented: see ``pytest --fixtures``)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

from pytest_apigw.backend import Backend
from pytest_apigw.session import Apigw, LazyBackend

if TYPE_CHECKING:
    from pytest_apigw.issuer import LoopbackIssuer

BACKEND_KEY = pytest.StashKey[LazyBackend]()


def lazy_backend(config: pytest.Config) -> LazyBackend:
    """The session's backend holder (made in ``pytest_configure``)."""
    return config.stash[BACKEND_KEY]


@pytest.fixture(scope="session")
def apigw_backend(pytestconfig: pytest.Config) -> Backend:
    """The selected API Gateway backend (``--apigw[=NAME]``, default ``embedded``), started on
    first use and stopped at the end of the session; ``apigw_backend.supports(capability)``
    says what it serves, and overriding this fixture changes where ``apigw`` deploys.

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
    """Deploy API specs for one test: ``deployment = apigw.deploy(api, stage=None)``, or
    ``with apigw.deployed(api) as deployment:`` for one block; ``deployment.url`` (the stage
    asked for, else ``$default``, else the first), ``.url_for(stage)``, ``.ws_url``,
    ``.api_id``, ``.stage``, ``.redeploy()``; everything is torn down after the test.

    On the embedded backend the URL is live on loopback at once. When the test fails, the
    report's "apigw gateway log" shows each request's matched route, the event the handler got
    and its traceback.
    """
    session = _make(request)
    yield session
    session.teardown()


@pytest.fixture(scope="session")
def apigw_session(request: pytest.FixtureRequest) -> Iterator[Apigw]:
    """Like ``apigw`` but session-scoped: deploy once for many tests, or use
    ``with apigw_session.deployed(api) as deployment:`` inside a hypothesis ``@given`` test
    (function-scoped fixtures are not reset between examples); what is still deployed is torn
    down at the end of the session."""
    session = _make(request)
    yield session
    session.teardown()


@pytest.fixture
def apigw_issuer() -> Iterator[LoopbackIssuer]:
    """An OpenID Connect issuer on 127.0.0.1 (discovery document and JWKS) for JWT authorizers:
    ``HttpJwtAuthorizer("Jwt", apigw_issuer.url, jwt_audience=["test-client"])``, or a
    template's issuer served by it, ``load_template(..., upstreams={"https://cognito-idp.
    us-east-1.amazonaws.com": apigw_issuer.url})``; send ``Authorization: apigw_issuer.token(
    audience=..., scope="books:write")``. Stopped after the test."""
    from pytest_apigw.issuer import LoopbackIssuer  # jwt, cryptography: only when used

    with LoopbackIssuer() as issuer:
        yield issuer
