"""Named stages and cookies, case by case (the generated APIs and requests use them too; here a
backend's gap shows on a fixed, readable table)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from pytest_apigw import capabilities
from pytest_apigw.contract.cases import ECHO, send_and_check
from pytest_apigw.spec import HttpApi, HttpMethod, HttpStage, LambdaProxyIntegration
from pytest_apigw.strategies import HttpRequest

if TYPE_CHECKING:
    from collections.abc import Callable

    from pytest_apigw.contract.gaps import Gaps
    from pytest_apigw.session import Apigw

VERSIONS = ["2.0", "1.0"]

STAGED_REQUESTS = [
    HttpRequest("GET", "/dev/pets/7", query=(("a", "1"),)),
    HttpRequest("GET", "/dev"),
    HttpRequest("POST", "/dev/anything/else", content_type="application/json", body=b'{"x": 1}'),
    HttpRequest("GET", "/pets/7"),
    HttpRequest("GET", "/devx/pets/7"),
]

COOKIE_REQUESTS = [
    HttpRequest("GET", "/pets/1", cookies=("a=1; b=two",)),
    HttpRequest("GET", "/pets/2", cookies=("a=1", "c=3; d=")),
    HttpRequest("POST", "/other", cookies=("session=xyz",), content_type="text/plain", body=b"hi"),
]


def _api(version: str, *, named: bool) -> HttpApi:
    echo = LambdaProxyIntegration(handler=ECHO, payload_format_version=version)
    api = HttpApi("StagesAndCookies", default_integration=echo)
    api.add_routes(path="/pets/{id}", methods=[HttpMethod.GET], integration=echo)
    if named:
        HttpStage("Dev", http_api=api, stage_name="dev", stage_variables={"color": "blue"})
    return api


@pytest.mark.parametrize("version", VERSIONS)
def test_named_stage_keeps_its_segment_in_the_event(
    apigw_session: Apigw, require: Callable[[str], None], gaps: Gaps, version: str
) -> None:
    """``/dev/pets/7`` on stage ``dev``: route ``GET /pets/{id}``, the stage's variables, and
    the path as the client sent it (AWS keeps the stage segment in ``rawPath``)."""
    require(capabilities.LAMBDA_PROXY)
    require(capabilities.NAMED_STAGES)
    api = _api(version, named=True)
    with apigw_session.deployed(api) as deployment:
        for request in STAGED_REQUESTS:
            send_and_check(api, deployment, request, gaps)


@pytest.mark.parametrize("version", VERSIONS)
def test_cookies_reach_the_event(
    apigw_session: Apigw, require: Callable[[str], None], gaps: Gaps, version: str
) -> None:
    """2.0: every ``Cookie`` header split into ``cookies``; 1.0: the ``cookie`` header(s)."""
    require(capabilities.LAMBDA_PROXY)
    api = _api(version, named=False)
    with apigw_session.deployed(api) as deployment:
        for request in COOKIE_REQUESTS:
            send_and_check(api, deployment, request, gaps)
