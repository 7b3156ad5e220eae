"""A run stopped by SIGTERM (how CI cancels a job) still deletes what it created, and the
resources of a run that died anyway can be removed by its tag."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest

pytest_plugins = ["pytester"]


def _api_exists(aws, api_id: str) -> bool:
    return any(api["ApiId"] == api_id for api in aws.apigatewayv2.get_apis()["Items"])


def test_sigterm_mid_run_tears_down_what_the_run_created(pytester, ministack, aws) -> None:
    marker = pytester.path / "deployed.json"
    pytester.makepyfile(probe_handlers="""
        def hello(event, context):
            return {"statusCode": 200, "body": "hi"}
    """)
    pytester.makepyfile(test_slow=f"""
        import json, time
        import probe_handlers
        from pytest_apigw import Function, HttpApi, HttpMethod, LambdaProxyIntegration

        def test_deploy_then_hang(apigw):
            api = HttpApi("Cancelled")
            api.add_routes(path="/hello", methods=[HttpMethod.GET], integration=LambdaProxyIntegration(
                handler=Function("Hello", handler=probe_handlers.hello)))
            deployment = apigw.deploy(api)
            function = deployment.handle.ledger.of("function")[0].id
            with open({str(marker)!r}, "w") as out:
                json.dump({{"api": deployment.api_id, "function": function}}, out)
            time.sleep(120)  # the CI job is cancelled here
    """)
    env = {**os.environ, "PYTHONPATH": f"{pytester.path}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "--apigw=localstack",
         f"--apigw-endpoint={ministack.url}", "--apigw-no-conformance", "-q", "test_slow.py"],
        cwd=pytester.path, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while not marker.exists():
            assert proc.poll() is None, proc.communicate()[0]
            assert time.monotonic() < deadline, "the test never deployed"
            time.sleep(0.1)
        time.sleep(0.2)
        made = json.loads(marker.read_text())
        assert _api_exists(aws, made["api"])
        proc.send_signal(signal.SIGTERM)
        output, _ = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert not _api_exists(aws, made["api"]), output
    functions = [f["FunctionName"] for f in aws.get("lambda").list_functions()["Functions"]]
    assert made["function"] not in functions, output
    assert "SIGTERM" in output


@pytest.fixture
def leaked(localstack, aws):
    """A deployment whose ledger is thrown away, as if its process had been killed."""
    import localstack_handlers as handlers

    from pytest_apigw import Function, HttpApi, HttpMethod, LambdaProxyIntegration

    api = HttpApi("Leaked")
    api.add_routes(path="/x", methods=[HttpMethod.GET],
                   integration=LambdaProxyIntegration(handler=Function("Leak", handler=handlers.echo)))
    deployment = localstack.deploy(api)
    ledger = deployment.handle.ledger
    made = {"api": deployment.api_id, "function": ledger.of("function")[0].id,
            "role": ledger.of("role")[0].id if ledger.of("role") else None}
    run = localstack.translator.namer.run
    with localstack._lock:  # the process "died": nothing will tear this down
        localstack._live.pop(id(deployment))
    yield run, made


def test_cleanup_removes_everything_tagged_with_a_run(leaked, aws, ministack) -> None:
    run, made = leaked
    result = subprocess.run(
        [sys.executable, "-m", "pytest_apigw_localstack.cleanup", "--run", run,
         "--endpoint", ministack.url],
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "deleted" in result.stdout
    assert not _api_exists(aws, made["api"])
    functions = [f["FunctionName"] for f in aws.get("lambda").list_functions()["Functions"]]
    assert made["function"] not in functions
    if made["role"]:
        assert made["role"] not in [r["RoleName"] for r in aws.iam.list_roles()["Roles"]]
