"""A handler module's init runs in its function's environment, as Lambda's init phase does:
module-level code reads the function's variables (``TABLE = os.environ["TABLE_NAME"]``, the
first line of most handlers), what it sets stays for the function's calls, and none of it
reaches the test's own ``os.environ``; in-process and in a worker process alike."""

from __future__ import annotations

import logging
import os
import uuid
from pathlib import Path

import httpx
import pytest

from pytest_apigw import Function, HttpApi, LambdaProxyIntegration
from pytest_apigw.invocations import LOG
from tests.support.files import write_tree
from tests.support.moto_aws import mocked_aws  # noqa: F401 - the fixture


def _api_of(tmp_path: Path, lines: list[str], **function: object) -> HttpApi:
    """An API whose ``GET /run`` invokes ``handler`` of a module made of ``lines`` (a name unique
    to the test: one ``sys.modules`` for the whole session)."""
    module = f"init_{uuid.uuid4().hex[:10]}"
    code = write_tree(tmp_path, {f"{module}.py": "\n".join([*lines, ""])})
    api = HttpApi("Api")
    api.add_routes(path="/run", integration=LambdaProxyIntegration(
        handler=Function("Fn", handler=f"{module}.handler", code=code, **function)))  # type: ignore[arg-type]
    return api


@pytest.mark.parametrize("isolation", ["inprocess", "process"])
def test_module_level_code_sees_and_keeps_its_functions_environment(apigw, tmp_path: Path,
                                                                     isolation: str) -> None:
    api = _api_of(tmp_path, [
        "import json, os",
        "TABLE = os.environ['TABLE_NAME']",
        "os.environ['SET_AT_INIT'] = 'yes'",
        "",
        "def handler(event, context):",
        "    body = {'table': TABLE, 'now': os.environ.get('TABLE_NAME'),",
        "            'set_at_init': os.environ.get('SET_AT_INIT')}",
        "    return {'statusCode': 200, 'body': json.dumps(body)}",
    ], isolation=isolation, environment={"TABLE_NAME": "items-dev"})
    url = apigw.deploy(api).url
    expected = {"table": "items-dev", "now": "items-dev", "set_at_init": "yes"}
    assert httpx.get(url + "/run").json() == expected
    assert httpx.get(url + "/run").json() == expected  # a warm call keeps what init set
    assert "TABLE_NAME" not in os.environ and "SET_AT_INIT" not in os.environ


def test_a_tracer_initialized_in_a_handler_leaves_the_tests_aws_calls_alone(
        apigw, tmp_path: Path, mocked_aws: None, caplog: pytest.LogCaptureFixture) -> None:  # noqa: F811
    """Powertools' ``Tracer()`` at module level sees Lambda's environment at init and patches
    botocore through the X-Ray SDK, for the whole process. With no X-Ray daemon here, the SDK is
    off for in-process functions (``AWS_XRAY_SDK_ENABLED=false``, as its own switch): the
    handler's AWS calls work, and the test's own later calls log no X-Ray complaints."""
    boto3 = pytest.importorskip("boto3")
    api = _api_of(tmp_path, [
        "import boto3",
        "from aws_lambda_powertools import Tracer",
        "tracer = Tracer(service='items')",
        "S3 = boto3.client('s3')",
        "",
        "@tracer.capture_lambda_handler",
        "def handler(event, context):",
        "    S3.create_bucket(Bucket='traced')",
        "    return {'buckets': len(S3.list_buckets()['Buckets'])}",
    ])
    with apigw.deployed(api) as deployment:
        assert httpx.get(deployment.url + "/run").json() == {"buckets": 1}
    with caplog.at_level(logging.WARNING):
        assert len(boto3.client("s3").list_buckets()["Buckets"]) == 1  # the test's own call
    assert [r.getMessage() for r in caplog.records if r.name.startswith("aws_xray_sdk")] == []


def test_a_traced_handler_in_a_worker_logs_no_x_ray_complaints(apigw, tmp_path: Path) -> None:
    """In a worker process too, the X-Ray SDK is off (no daemon, no ``_X_AMZN_TRACE_ID``): the
    handler's output in the gateway log holds its own lines, not "Subsegment ## handler
    discarded due to Lambda worker still initializing" at every call."""
    api = _api_of(tmp_path, [
        "from aws_lambda_powertools import Tracer",
        "tracer = Tracer(service='items')",
        "",
        "@tracer.capture_lambda_handler",
        "def handler(event, context):",
        "    print('handled')",
        "    return {'ok': True}",
    ], isolation="process")
    url = apigw.deploy(api).url
    mark = LOG.mark()
    assert httpx.get(url + "/run").json() == {"ok": True}
    [record] = LOG.since(mark)
    assert "handled" in record.describe() and "discarded" not in record.describe()
