"""Process-isolated Python functions: workers forked from a warm template process keep what a
freshly started worker gives (issue 13): fresh module state per worker, the function's
environment (``TZ`` applied), the working directory (the code's folder, as on Lambda), stderr of
the test that made it, and nothing left running once the backend closes. Each check also runs
with the template switched off, so the two ways of starting a worker are held to the same
behaviour."""

from __future__ import annotations

import os

import httpx
import pytest
from pytest_apigw_embedded.backend import EmbeddedBackend
from pytest_apigw_embedded.lambda_runtime.process import ProcessRuntime

from pytest_apigw import Function, HttpApi, LambdaProxyIntegration
from tests.embedded.runtime_processes import alive, wait_gone

HANDLER = "tests.embedded.handlers.fresh_state.count"


@pytest.fixture(params=["template", "spawn"])
def worker_start(request, monkeypatch) -> str:
    """Run the test with workers forked from the template, then started as new interpreters."""
    if request.param == "template" and not ProcessRuntime.use_template:
        pytest.skip("fork-based workers need Linux pidfds")
    monkeypatch.setattr(ProcessRuntime, "use_template", request.param == "template")
    return request.param


def _api(*functions: Function) -> HttpApi:
    api = HttpApi("Template")
    for function in functions:
        api.add_routes(path=f"/{function.id}", methods=["GET"],
                       integration=LambdaProxyIntegration(handler=function))
    return api


def test_each_worker_has_its_own_module_state_and_environment(apigw, worker_start, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    tokyo = Function("Tokyo", handler=HANDLER, isolation="process", environment={"TZ": "Asia/Tokyo"})
    utc = Function("Utc", handler=HANDLER, isolation="process")
    deployment = apigw.deploy(_api(tokyo, utc))
    with httpx.Client(timeout=30) as client:
        first, second = (client.get(f"{deployment.url}/Tokyo").json() for _ in range(2))
        other = client.get(f"{deployment.url}/Utc").json()
    assert (first["calls"], second["calls"], other["calls"]) == (1, 2, 1)  # one module copy each
    assert first["pid"] == second["pid"] != other["pid"]
    assert os.getpid() not in (first["pid"], other["pid"])
    assert (first["tz"], first["utc_offset"]) == ("Asia/Tokyo", 9 * 3600)  # TZ applied, not just set
    assert (other["tz"], other["utc_offset"]) == (":UTC", 0)
    assert first["cwd"] == other["cwd"] == str(tmp_path)
    assert first["path_head"] == [str(tmp_path)]  # as `python -m` puts the working directory
    if worker_start == "template":
        runtime = deployment.backend.services.lambda_runtime(tokyo)
        assert first["ppid"] == other["ppid"] == runtime._template.proc.pid


def test_a_function_with_code_runs_in_its_code_folder(apigw, worker_start, tmp_path, monkeypatch):
    """As on Lambda (``/var/task``): the working directory is the code's folder, so a file of the
    code opens by its relative path; the test's folder is not the handler's."""
    monkeypatch.chdir(tmp_path)
    code = tmp_path / "code"
    code.mkdir()
    (code / "settings.txt").write_text("read from the code folder")
    (code / "reads.py").write_text(
        "import json, os\n\ndef handler(event, context):\n"
        "    with open('settings.txt') as f:\n"
        "        return {'statusCode': 200, 'body': json.dumps({'cwd': os.getcwd(), 'text': f.read()})}\n")
    function = Function("Reads", handler="reads.handler", code=code, isolation="process")
    answer = httpx.get(f"{apigw.deploy(_api(function)).url}/Reads", timeout=30).json()
    assert answer == {"cwd": str(code), "text": "read from the code folder"}


def test_a_worker_that_dies_is_replaced_by_a_fresh_one(apigw, worker_start):
    fn = Function("Dies", handler=HANDLER, isolation="process")
    deployment = apigw.deploy(_api(fn))
    with httpx.Client(timeout=30) as client:
        first = client.get(f"{deployment.url}/Dies").json()
        died = client.get(f"{deployment.url}/Dies", params={"exit": "1"})
        after = client.get(f"{deployment.url}/Dies").json()
    assert died.status_code == 500
    assert after["pid"] != first["pid"] and after["calls"] == 1  # a new instance, fresh state
    assert wait_gone([first["pid"]], timeout=2) == []


def test_a_workers_stderr_is_the_test_that_started_it(apigw, worker_start, capfd):
    fn = Function("Err", handler=HANDLER, isolation="process")
    deployment = apigw.deploy(_api(fn))
    assert httpx.get(f"{deployment.url}/Err", timeout=30).status_code == 200
    assert "fresh-state stderr mark Err" in capfd.readouterr().err


def test_closing_the_backend_ends_the_template_and_every_worker(worker_start):
    backend = EmbeddedBackend()
    functions = [Function(f"W{i}", handler=HANDLER, isolation="process") for i in range(2)]
    deployment = backend.deploy(_api(*functions))
    try:
        pids = [httpx.get(f"{deployment.url}/{f.id}", timeout=30).json()["pid"] for f in functions]
        runtime = backend.services.lambda_runtime(functions[0])
        template = runtime._template
        if worker_start == "template":
            assert template is not None and alive(template.proc.pid)
            pids.append(template.proc.pid)
        else:
            assert template is None
        assert all(alive(pid) for pid in pids)
    finally:
        backend.close()
    assert wait_gone(pids, timeout=0.5) == []
