"""Conformance: HTTP proxy integrations to the echo upstream (method, path, query, body)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest
from hypothesis import given, note
from hypothesis import strategies as st

from pytest_apigw import capabilities
from pytest_apigw.contract.cases import send
from pytest_apigw.contract.model import compare, predict
from pytest_apigw.contract.model.encoding import parse_query
from pytest_apigw.contract.profiles import contract_settings, per_deployment
from pytest_apigw.contract.report import format_case
from pytest_apigw.spec import HttpApi, HttpMethod, HttpProxyIntegration
from pytest_apigw.strategies import requests_for

if TYPE_CHECKING:
    from collections.abc import Callable

    from pytest_apigw.backend import Backend
    from pytest_apigw.contract.probes import EchoUpstream
    from pytest_apigw.session import Apigw


def proxy_api(upstream: str) -> HttpApi:
    """Greedy, path-variable and ``$default`` routes, all to the echo upstream."""
    api = HttpApi("HttpProxy", default_integration=HttpProxyIntegration(url=upstream))
    api.add_routes(path="/up/{proxy+}", integration=HttpProxyIntegration(url=f"{upstream}/greedy/{{proxy}}"))
    api.add_routes(path="/items/{id}", methods=[HttpMethod.GET],
                   integration=HttpProxyIntegration(url=f"{upstream}/item/{{id}}"))
    return api


@contract_settings()
@given(data=st.data())
def test_http_proxy_forwards_the_request(
    apigw_session: Apigw, apigw_backend: Backend, require: Callable[[str], None],
    echo_upstream: EchoUpstream, data: st.DataObject
) -> None:
    require(capabilities.HTTP_PROXY)
    require(capabilities.HTTP_PROXY_URI)
    if apigw_backend.name == "aws":
        pytest.skip("the echo upstream listens on loopback, which AWS cannot reach")
    api = proxy_api(echo_upstream.url)
    with apigw_session.deployed(api) as deployment:
        for index in range(per_deployment()):
            request = data.draw(requests_for(api, stage="$default"), label=f"request {index}")
            response, host = send(request, deployment)
            prediction = predict(api, request, host=host)
            note(f"{request.method} {request.target} -> {response.status}: {prediction.describe()}")
            if prediction.response is not None or request.method == "HEAD":
                assert response.status == (prediction.response.status if prediction.response else 200)
                continue
            seen = json.loads(response.body)
            observed = {"method": seen["method"], "path": seen["path"],
                        "query": parse_query(seen["query"]), "body": seen["body"]}
            diffs = compare(prediction.expected_input, observed)
            assert not diffs, format_case(api, request, prediction, response, diffs, observed)
