"""The routing example of ``http-api-develop-routes.md`` ("Routing API requests"), verbatim."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from pytest_apigw import capabilities
from pytest_apigw.contract.cases import ECHO, send_and_check
from pytest_apigw.spec import HttpApi, HttpMethod, LambdaProxyIntegration
from pytest_apigw.strategies import HttpRequest

DOCS_TABLE = [
    ("GET", "/pets/dog/1", "GET /pets/dog/{id}"),
    ("GET", "/pets/cat/1", "GET /pets/{proxy+}"),
    ("POST", "/test/5", "ANY /{proxy+}"),
]


@pytest.fixture(scope="module")
def docs_api():
    """The docs' four routes on a ``$default`` stage."""
    echo = LambdaProxyIntegration(handler=ECHO)
    api = HttpApi("DocsRouting")
    api.add_routes(path="/pets/dog/{id}", methods=[HttpMethod.GET], integration=echo)
    api.add_routes(path="/pets/{proxy+}", methods=[HttpMethod.GET], integration=echo)
    api.add_routes(path="/{proxy+}", methods=[HttpMethod.ANY], integration=echo)
    api.add_routes(path="$default", integration=echo)
    return api


@pytest.fixture(scope="module")
def docs_deployment(apigw_session, require, docs_api) -> Iterator:  # type: ignore[no-untyped-def]
    """The docs' API deployed once for the module's cases."""
    require(capabilities.LAMBDA_PROXY)
    with apigw_session.deployed(docs_api) as deployment:
        yield deployment


@pytest.mark.parametrize(("method", "path", "route"), DOCS_TABLE, ids=[f"{m} {p}" for m, p, _ in DOCS_TABLE])
def test_docs_routing_table(docs_api, docs_deployment, gaps, method, path, route):
    response = send_and_check(docs_api, docs_deployment, HttpRequest(method, path), gaps)
    assert response.json()["routeKey"] == route


def test_docs_default_route_catches_the_root(docs_api, docs_deployment, gaps):
    """``/`` matches no greedy route (a greedy variable catches child resources only)."""
    response = send_and_check(docs_api, docs_deployment, HttpRequest("GET", "/"), gaps)
    assert response.json()["routeKey"] == "$default"
