"""The routing example of ``http-api-develop-routes.md`` ("Routing API requests"), verbatim."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

from pytest_apigw import capabilities
from pytest_apigw.contract.cases import ECHO, send_and_check
from pytest_apigw.spec import HttpApi, HttpMethod, LambdaProxyIntegration
from pytest_apigw.strategies import HttpRequest

if TYPE_CHECKING:
    from collections.abc import Callable

    from pytest_apigw.backend import Deployment
    from pytest_apigw.contract.gaps import Gaps
    from pytest_apigw.session import Apigw

DOCS_TABLE = [
    ("GET", "/pets/dog/1", "GET /pets/dog/{id}"),
    ("GET", "/pets/cat/1", "GET /pets/{proxy+}"),
    ("POST", "/test/5", "ANY /{proxy+}"),
]


@pytest.fixture(scope="module")
def docs_api() -> HttpApi:
    """The docs' four routes on a ``$default`` stage."""
    echo = LambdaProxyIntegration(handler=ECHO)
    api = HttpApi("DocsRouting")
    api.add_routes(path="/pets/dog/{id}", methods=[HttpMethod.GET], integration=echo)
    api.add_routes(path="/pets/{proxy+}", methods=[HttpMethod.GET], integration=echo)
    api.add_routes(path="/{proxy+}", methods=[HttpMethod.ANY], integration=echo)
    api.add_routes(path="$default", integration=echo)
    return api


@pytest.fixture(scope="module")
def docs_deployment(
    apigw_session: Apigw, require: Callable[[str], None], docs_api: HttpApi
) -> Iterator[Deployment]:
    """The docs' API deployed once for the module's cases."""
    require(capabilities.LAMBDA_PROXY)
    with apigw_session.deployed(docs_api) as deployment:
        yield deployment


@pytest.mark.parametrize(("method", "path", "route"), DOCS_TABLE, ids=[f"{m} {p}" for m, p, _ in DOCS_TABLE])
def test_docs_routing_table(
    docs_api: HttpApi, docs_deployment: Deployment, gaps: Gaps, method: str, path: str, route: str
) -> None:
    response = send_and_check(docs_api, docs_deployment, HttpRequest(method, path), gaps)
    assert response.json()["routeKey"] == route


def test_docs_default_route_catches_the_root(
    docs_api: HttpApi, docs_deployment: Deployment, gaps: Gaps
) -> None:
    """``/`` matches no greedy route (a greedy variable catches child resources only)."""
    response = send_and_check(docs_api, docs_deployment, HttpRequest("GET", "/"), gaps)
    assert response.json()["routeKey"] == "$default"
