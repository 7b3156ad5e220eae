"""A handler module's init runs in its function's environment, as Lambda's init phase does:
module-level code reads the function's variables (``TABLE = os.environ["TABLE_NAME"]``, the
first line of most handlers), what it sets stays for the function's calls, and none of it
reaches the test's own ``os.environ``; in-process and in a worker process alike."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import httpx
import pytest

from pytest_apigw import Function, HttpApi, LambdaProxyIntegration
from tests.support.files import write_tree


@pytest.mark.parametrize("isolation", ["inprocess", "process"])
def test_module_level_code_sees_and_keeps_its_functions_environment(apigw, tmp_path: Path,
                                                                     isolation: str) -> None:
    module = f"init_env_{uuid.uuid4().hex[:10]}"
    code = write_tree(tmp_path, {f"{module}.py": "\n".join([
        "import json, os",
        "TABLE = os.environ['TABLE_NAME']",
        "os.environ['SET_AT_INIT'] = 'yes'",
        "",
        "def handler(event, context):",
        "    body = {'table': TABLE, 'now': os.environ.get('TABLE_NAME'),",
        "            'set_at_init': os.environ.get('SET_AT_INIT')}",
        "    return {'statusCode': 200, 'body': json.dumps(body)}",
        "",
    ])})
    fn = Function("Items", handler=f"{module}.handler", code=code, isolation=isolation,
                  environment={"TABLE_NAME": "items-dev"})
    api = HttpApi("Api")
    api.add_routes(path="/items", integration=LambdaProxyIntegration(handler=fn))
    url = apigw.deploy(api).url
    expected = {"table": "items-dev", "now": "items-dev", "set_at_init": "yes"}
    assert httpx.get(url + "/items").json() == expected
    assert httpx.get(url + "/items").json() == expected  # a warm call keeps what init set
    assert "TABLE_NAME" not in os.environ and "SET_AT_INIT" not in os.environ
