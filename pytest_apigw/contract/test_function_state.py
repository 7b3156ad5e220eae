"""Conformance: a Lambda function's memory is its own. Each function runs in execution
environments of its own (``lambda-runtime-environment.md``: an environment is reused for later
invocations of the same function only), so two functions of the same code never see each
other's module-level state, and the functions of a new deployment start cold."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from pytest_apigw import capabilities
from pytest_apigw.contract.cases import send
from pytest_apigw.contract.probes import counter_function
from pytest_apigw.spec import HttpApi, HttpMethod, LambdaProxyIntegration
from pytest_apigw.strategies import HttpRequest

if TYPE_CHECKING:
    from collections.abc import Callable

    from pytest_apigw.backend import Deployment
    from pytest_apigw.session import Apigw


def _calls(deployment: Deployment, path: str) -> int:
    response, _ = send(HttpRequest("GET", path), deployment)
    assert response.status == 200, f"GET {path}: {response.status} {response.body[:300]!r}"
    calls: int = json.loads(response.body)["calls"]
    return calls


def test_functions_keep_their_own_memory(apigw_session: Apigw, require: Callable[[str], None]) -> None:
    require(capabilities.FUNCTION_STATE)
    api = HttpApi("FunctionState")
    for path, function in (("/one", counter_function("ContractCountOne")),
                           ("/two", counter_function("ContractCountTwo"))):  # the same code
        integration = LambdaProxyIntegration(handler=function)
        api.add_routes(path=path, methods=[HttpMethod.GET], integration=integration)
    with apigw_session.deployed(api) as deployment:
        first = _calls(deployment, "/one")
        other = _calls(deployment, "/two")
        _calls(deployment, "/one")  # 2 when warm, 1 on a new environment: either is Lambda
    with apigw_session.deployed(api) as deployment:
        again = _calls(deployment, "/one")
    assert first == 1, f"a new function's first call counted {first} calls: its module state is not its own"
    assert other == 1, (f"the second function's first call counted {other} calls: it shares the first "
                        "function's module state (two Lambda functions never share memory)")
    assert again == 1, (f"the first call after redeploying counted {again} calls: the new deployment's "
                        "function kept the last one's module state (a new deployment starts cold)")
