"""Custom runtimes (``provided.*``): AWS's bash tutorial bootstrap and AWS's Python runtime
interface client (awslambdaric), served unchanged through the Lambda Runtime API."""

from __future__ import annotations

import os
import shutil
import sys
import threading
from pathlib import Path

import httpx
import pytest

from pytest_apigw import Function, HttpApi, LambdaProxyIntegration, SpecError
from pytest_apigw.invocations import LOG
from tests.embedded.runtime_processes import BASH_TUTORIAL, NODE_RIC, PYTHON_RIC, instances, wait_gone


def api_of(*functions):
    api = HttpApi("CustomApi")
    for function in functions:
        api.add_routes(path=f"/{function.id}", methods=["GET"],
                       integration=LambdaProxyIntegration(handler=function))
    return api


@pytest.mark.skipif(shutil.which("curl") is None or shutil.which("bash") is None,
                    reason="AWS's tutorial bootstrap needs curl and bash")
@pytest.mark.parametrize("runtime", ["provided", "provided.al2", "provided.al2023"])
def test_aws_tutorial_bash_bootstrap_unchanged(apigw, runtime):
    """``bootstrap`` and ``function.sh`` are those of AWS's "Tutorial: Building a custom runtime"
    (docs.aws.amazon.com/lambda/latest/dg/runtimes-walkthrough.html), byte for byte."""
    fn = Function("Bash", runtime=runtime, handler="function.handler", code=BASH_TUTORIAL)
    deployment = apigw.deploy(api_of(fn))
    with httpx.Client(timeout=30) as client:
        for _ in range(2):
            response = client.get(f"{deployment.url}/Bash")
            assert response.status_code == 200
            assert response.text == "Hello from Lambda!"
    assert instances(deployment, fn).started == 1  # the bash loop served both


def test_python_handler_through_awslambdaric(apigw):
    pytest.importorskip("awslambdaric")
    path = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    fn = Function("Py", runtime="provided.al2023", handler="app.handler", code=PYTHON_RIC,
                  environment={"PATH": path}, timeout=10)
    deployment = apigw.deploy(api_of(fn))
    mark = LOG.mark()
    with httpx.Client(timeout=30) as client:
        first = client.get(f"{deployment.url}/Py").json()
        second = client.get(f"{deployment.url}/Py").json()
        failed = client.get(f"{deployment.url}/Py?fail=1")
    assert first["path"] == "/Py" and first["function_name"] == "Py"
    assert [first["calls"], second["calls"]] == [1, 2] and first["pid"] == second["pid"] != os.getpid()
    assert first["request_id"] != second["request_id"]
    assert 0 < first["remaining"] <= 10_000
    assert failed.status_code == 500
    records = LOG.since(mark)
    assert any("python handler call 1" in line for line in records[0].logs)
    assert records[2].error == "ValueError: asked to fail"
    assert "asked to fail" in records[2].traceback
    pid = first["pid"]
    deployment.close()
    assert wait_gone([pid], timeout=0.5) == []


@pytest.mark.skipif(not (NODE_RIC / "node_modules" / "aws-lambda-ric").is_dir(),
                    reason=f"aws-lambda-ric is not installed: sh tests/support/npm_install.sh {NODE_RIC}")
def test_node_handler_through_aws_lambda_ric(apigw):
    fn = Function("Ric", runtime="provided.al2023", handler="index.handler", code=NODE_RIC)
    deployment = apigw.deploy(api_of(fn))
    mark = LOG.mark()
    with httpx.Client(timeout=30) as client:
        answers = [client.get(f"{deployment.url}/Ric").json() for _ in range(2)]
    assert [a["calls"] for a in answers] == [1, 2]
    assert answers[0]["fn"] == "Ric" and answers[0]["path"] == "/Ric"
    assert answers[0]["requestId"] != answers[1]["requestId"]
    records = LOG.since(mark)
    assert f"\t{answers[1]['requestId']}\tINFO\tric call 2" in "".join(records[1].logs)


def test_processes_of_a_bash_runtime_end_at_teardown_with_their_children(apigw):
    fn = Function("Bash", runtime="provided.al2023", handler="function.handler", code=BASH_TUTORIAL)
    deployment = apigw.deploy(api_of(fn))
    results = []

    def call():
        results.append(httpx.get(f"{deployment.url}/Bash", timeout=30))

    threads = [threading.Thread(target=call) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [r.status_code for r in results] == [200, 200, 200]
    pool = instances(deployment, fn)
    pids = pool.pids()
    assert 1 <= len(pids) <= 3
    children = [int(p) for pid in pids for p in _children(pid)]
    assert children  # each bash waits in curl for its next event
    deployment.close()
    assert wait_gone(pids + children, timeout=0.5) == []


def _children(pid: int) -> list[str]:
    try:
        return Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return []


def test_missing_or_non_executable_bootstrap_is_a_spec_error(apigw, tmp_path):
    with pytest.raises(SpecError) as info:
        Function("NoBoot", runtime="provided.al2023", handler="x.handler", code=tmp_path)
    assert "Function 'NoBoot'" in str(info.value) and "bootstrap" in str(info.value)
    (tmp_path / "bootstrap").write_text("#!/bin/sh\nexit 0\n")
    fn = Function("NotExec", runtime="provided.al2023", handler="x.handler", code=tmp_path)
    with pytest.raises(SpecError, match="chmod \\+x"):
        apigw.deploy(api_of(fn))


def test_bootstrap_exiting_is_a_runtime_exit_error(apigw, tmp_path):
    boot = tmp_path / "bootstrap"
    boot.write_text("#!/bin/sh\necho 'cannot start: missing config' >&2\nexit 3\n")
    boot.chmod(0o755)
    deployment = apigw.deploy(api_of(Function("Exits", runtime="provided", handler="x.y", code=tmp_path)))
    mark = LOG.mark()
    assert httpx.get(f"{deployment.url}/Exits", timeout=30).status_code == 500
    record = LOG.since(mark)[-1]
    assert record.error == "Runtime.ExitError: Runtime exited with error: exit status 3"
    assert record.logs == ["cannot start: missing config\n"]
