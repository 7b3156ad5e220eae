"""Conformance: parameter mapping of HTTP proxy integrations (``http-api-parameter-mapping.md``).

Generated request mappings (every documented key and value source) and response mappings per
status code on two routes to the echo upstream; generated requests ask the upstream for a status.
The model predicts what the upstream receives (method, path, query, the mapped headers, body)
and what the client gets (status and the mapped response headers).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import given, note
from hypothesis import strategies as st

from pytest_apigw import capabilities
from pytest_apigw.contract.cases import send
from pytest_apigw.contract.model import compare, predict
from pytest_apigw.contract.model.encoding import grouped, parse_query
from pytest_apigw.contract.model.expect import ABSENT
from pytest_apigw.contract.model.integrations import Routed
from pytest_apigw.contract.model.parameter_mapping import Sources, map_response
from pytest_apigw.contract.profiles import contract_settings, per_deployment
from pytest_apigw.contract.report import format_case
from pytest_apigw.spec import HttpApi, HttpMethod, HttpProxyIntegration, HttpStage
from pytest_apigw.strategies.mapping import mapped_requests, request_mappings, response_mappings

if TYPE_CHECKING:
    from collections.abc import Callable

    from pytest_apigw.backend import Backend
    from pytest_apigw.contract.probes import EchoUpstream
    from pytest_apigw.session import Apigw

STAGE_VARIABLES = {"color": "blue"}


def mapping_api(upstream: str, data: st.DataObject) -> HttpApi:
    """``ANY /items/{id}`` and ``$default``, each an HTTP proxy with generated mappings."""
    api = HttpApi("Mapping", create_default_stage=False)
    HttpStage("Default", http_api=api, stage_name="$default", stage_variables=STAGE_VARIABLES)
    items = HttpProxyIntegration(
        url=f"{upstream}/fixed",
        parameter_mapping=data.draw(request_mappings(path_param="id"), label="items"),
        response_parameter_mapping=data.draw(response_mappings(), label="items responses"))
    other = HttpProxyIntegration(
        url=upstream, parameter_mapping=data.draw(request_mappings(), label="$default"),
        response_parameter_mapping=data.draw(response_mappings(), label="$default responses"))
    api.add_routes(path="/items/{id}", methods=[HttpMethod.ANY], integration=items)
    api.add_routes(path="$default", integration=other)
    return api


def _joined(pairs: list[list[str]] | list[tuple[str, str]]) -> dict[str, str]:
    out: dict[str, list[str]] = {}
    for name, value in pairs:
        out.setdefault(name.lower(), []).append(value)
    return {name: ",".join(values) for name, values in out.items()}


def _observed(seen: dict[str, Any]) -> dict[str, Any]:
    return {"method": seen["method"], "path": seen["path"], "query": grouped(parse_query(seen["query"])),
            "body": seen["body"], "headers": _joined(seen["headers"])}


@contract_settings()
@given(data=st.data())
def test_parameter_mapping_rewrites_request_and_response(
    apigw_session: Apigw, apigw_backend: Backend, require: Callable[[str], None], echo_upstream: EchoUpstream,
    data: st.DataObject,
) -> None:
    require(capabilities.PARAMETER_MAPPING)
    require(capabilities.HTTP_PROXY)
    require(capabilities.HTTP_PROXY_URI)
    if apigw_backend.name == "aws":
        pytest.skip("the echo upstream listens on loopback, which AWS cannot reach")
    api = mapping_api(echo_upstream.url, data)
    with apigw_session.deployed(api) as deployment:
        for index in range(per_deployment()):
            targets = mapped_requests(paths=["/items/{id}", "/other/{id}", "/"])
            request = data.draw(targets, label=f"r{index}")
            response, host = send(request, deployment)
            prediction = predict(api, request, host=host)
            assert prediction.selection is not None and prediction.route_key is not None
            integration = api.routes[prediction.route_key].integration
            assert isinstance(integration, HttpProxyIntegration)
            expected = dict(prediction.expected_input)
            expected["query"] = grouped(expected["query"])
            observed = _observed(json.loads(response.body))
            params = prediction.selection.params_for(prediction.route_key)
            routed = Routed("$default", request.path, prediction.route_key, params, STAGE_VARIABLES, host,
                            None)
            upstream_status = int(dict(request.headers)["x-echo-status"])
            status, headers = map_response(integration.response_parameter_mapping, upstream_status,
                                           {"x-up": "up", "x-r1": ABSENT},
                                           Sources(request, routed, response_headers={"x-up": "up"}))
            expected["client"] = {"status": status, "headers": headers}
            observed["client"] = {"status": response.status, "headers": _joined(response.headers)}
            note(f"{request.method} {request.target} -> {response.status}: {prediction.describe()}")
            diffs = compare(expected, observed)
            assert not diffs, format_case(api, request, prediction, response, diffs, observed)
