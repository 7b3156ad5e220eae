"""Conformance: what the client gets for what a Lambda function returns (reply probe)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from hypothesis import given, note
from hypothesis import strategies as st

from pytest_apigw import capabilities
from pytest_apigw.contract.cases import send
from pytest_apigw.contract.check import check_response
from pytest_apigw.contract.model import response_v1, response_v2
from pytest_apigw.contract.probes import reply_function
from pytest_apigw.contract.profiles import contract_settings, per_deployment
from pytest_apigw.contract.results import lambda_results
from pytest_apigw.spec import HttpApi, LambdaProxyIntegration
from pytest_apigw.strategies import HttpRequest

if TYPE_CHECKING:
    from collections.abc import Callable

    from pytest_apigw.contract.gaps import Gaps
    from pytest_apigw.session import Apigw

REPLY = reply_function()


@contract_settings()
@given(version=st.sampled_from(["2.0", "1.0"]), data=st.data())
def test_lambda_result_to_client_response(
    apigw_session: Apigw, require: Callable[[str], None], gaps: Gaps, version: str, data: st.DataObject
) -> None:
    require(capabilities.LAMBDA_PROXY)
    integration = LambdaProxyIntegration(handler=REPLY, payload_format_version=version)
    api = HttpApi("Reply", default_integration=integration)
    predict = response_v2 if version == "2.0" else response_v1
    with apigw_session.deployed(api) as deployment:
        for index in range(per_deployment()):
            result = data.draw(lambda_results(payload_format_version=version), label=f"result {index}")
            body = json.dumps({"result": result}).encode()
            request = HttpRequest("POST", "/reply", content_type="application/json", body=body)
            response, _ = send(request, deployment)
            expected = predict(result)
            diffs = check_response(expected, response)
            if version == "1.0":  # a backend reading 1.0 answers as 2.0 is judged on that reading
                diffs = gaps.reading(capabilities.PAYLOAD_V1, diffs,
                                     lambda r=result, o=response: check_response(response_v2(r), o))  # type: ignore[misc]
            bare = not (isinstance(result, dict) and "statusCode" in result)
            diffs = gaps.unexplained(diffs, explained_by=capabilities.BARE_RESULTS if bare else None)
            note(f"payload {version}: function returned {result!r} -> {response.status}")
            assert not diffs, (
                f"payload {version}: the function returned\n  {result!r}\n"
                f"model: {expected.as_dict()!r}\nobserved: status {response.status} "
                f"headers {response.headers!r} body {response.body[:300]!r}\n"
                + "\n".join(f"  {d}" for d in diffs)
            )
