"""The Lambda runtime: context object, environment isolation, in-process and worker processes."""

import os
import threading

import boto3
import httpx
import pytest
from moto import mock_aws

from pytest_apigw import Function, HttpApi, LambdaProxyIntegration, SpecError
from tests.embedded.handlers import isolated


def _api(*functions):
    api = HttpApi("Runtime")
    for function in functions:
        api.add_routes(path=f"/{function.id}", methods=["GET"],
                       integration=LambdaProxyIntegration(handler=function))
    return api


@pytest.mark.parametrize("isolation", ["inprocess", "process"])
def test_context_and_environment(apigw, isolation):
    a = Function("A", handler=isolated.env_and_context, environment={"STAGE_NAME": "a", "ONLY_IN_A": "1"},
                 isolation=isolation, memory_size=256, timeout=10)
    b = Function("B", handler=isolated.env_and_context, environment={"STAGE_NAME": "b"},
                 isolation=isolation)
    deployment = apigw.deploy(_api(a, b))
    seen_a = httpx.get(f"{deployment.url}/A", timeout=30).json()
    seen_b = httpx.get(f"{deployment.url}/B", timeout=30).json()
    assert seen_a["env"] == {"STAGE_NAME": "a", "AWS_LAMBDA_FUNCTION_NAME": "A", "ONLY_IN_A": "1"}
    assert seen_b["env"] == {"STAGE_NAME": "b", "AWS_LAMBDA_FUNCTION_NAME": "B", "ONLY_IN_A": None}
    assert seen_a["function_name"] == "A"
    assert seen_a["memory"] == "256"
    assert seen_a["arn"].endswith(":function:A")
    assert 0 < seen_a["remaining"] <= 10_000
    assert seen_a["request_id"] != httpx.get(f"{deployment.url}/A", timeout=30).json()["request_id"]
    # Nothing leaks into the test process.
    assert "STAGE_NAME" not in os.environ
    assert "AWS_LAMBDA_FUNCTION_NAME" not in os.environ
    if isolation == "process":
        assert seen_a["pid"] != os.getpid()
    else:
        assert seen_a["pid"] == os.getpid()


def test_concurrent_in_process_handlers_see_their_own_environment(apigw):
    barrier = threading.Barrier(2, timeout=5)

    def handler(event, context):
        barrier.wait()  # both handlers are running at once
        return {"mine": os.environ["MINE"]}

    fns = [Function(name, handler=handler, environment={"MINE": name}) for name in ("X", "Y")]
    deployment = apigw.deploy(_api(*fns))
    results = {}

    def call(name):
        results[name] = httpx.get(f"{deployment.url}/{name}", timeout=10).json()

    threads = [threading.Thread(target=call, args=(n,)) for n in ("X", "Y")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == {"X": {"mine": "X"}, "Y": {"mine": "Y"}}


def test_monkeypatch_is_seen_in_process(apigw, monkeypatch):
    deployment = apigw.deploy(_api(Function("M", handler=lambda e, c: {"v": isolated.time.time()})))
    monkeypatch.setattr(isolated.time, "time", lambda: 12345)
    assert httpx.get(f"{deployment.url}/M").json() == {"v": 12345}


@mock_aws
def test_moto_is_seen_in_process(apigw):
    boto3.client("s3", region_name="us-east-1").create_bucket(Bucket="books")

    def handler(event, context):
        s3 = boto3.client("s3", region_name="us-east-1")
        return {"buckets": [b["Name"] for b in s3.list_buckets()["Buckets"]]}

    deployment = apigw.deploy(_api(Function("S3", handler=handler)))
    assert httpx.get(f"{deployment.url}/S3").json() == {"buckets": ["books"]}


def test_process_timeout_kills_the_worker_and_a_new_one_serves(apigw):
    fn = Function("Sleepy", handler=isolated.sleepy, isolation="process", timeout=0.5)
    deployment = apigw.deploy(_api(fn))
    first = httpx.get(f"{deployment.url}/Sleepy?s=0", timeout=30)
    assert first.status_code == 200
    assert httpx.get(f"{deployment.url}/Sleepy?s=5", timeout=30).status_code == 500
    after = httpx.get(f"{deployment.url}/Sleepy?s=0", timeout=30)
    assert after.status_code == 200
    assert after.json()["pid"] != first.json()["pid"]


def test_process_handler_error_and_logs_reach_the_report(apigw):
    from pytest_apigw.invocations import LOG

    mark = LOG.mark()
    deployment = apigw.deploy(_api(Function("Crash", handler=isolated.crash, isolation="process")))
    assert httpx.get(f"{deployment.url}/Crash", timeout=30).status_code == 500
    [record] = LOG.since(mark)
    assert "ValueError: isolated failure" in record.traceback
    assert "worker.py" not in record.traceback  # starts at the handler, as Lambda's does
    assert "about to fail" in "".join(record.logs)


def test_process_isolation_rejects_closures_at_deploy(apigw):
    def local_handler(event, context):
        return {}

    with pytest.raises(SpecError, match=r"Function 'Local': isolation='process' needs a handler"):
        apigw.deploy(_api(Function("Local", handler=local_handler, isolation="process")))


def test_string_handler_with_code_directory(apigw, tmp_path):
    (tmp_path / "shipped_app.py").write_text(
        "import os\n\ndef handler(event, context):\n    return {'v': os.environ['V']}\n"
    )
    for isolation in ("inprocess", "process"):
        fn = Function(f"Str{isolation}", handler="shipped_app.handler", code=tmp_path,
                      environment={"V": isolation}, isolation=isolation)
        deployment = apigw.deploy(_api(fn))
        assert httpx.get(f"{deployment.url}/{fn.id}", timeout=30).json() == {"v": isolation}


def test_unresolvable_handler_fails_the_deploy(apigw, tmp_path):
    (tmp_path / "broken_mod.py").write_text("raise ImportError('nope')\n")
    fn = Function("Broken", handler="broken_mod.handler", code=tmp_path)
    with pytest.raises(SpecError, match=r"Function 'Broken': handler 'broken_mod.handler' cannot be"):
        apigw.deploy(_api(fn))


def test_an_in_process_invocation_writes_its_own_environment_only(apigw):
    """Writes and deletes stay in their invocation: the next one of the same function starts
    from the function's variables again (they are shared until an invocation writes)."""

    def handler(event, context):
        before = {"count": os.environ.get("COUNT"), "name": os.environ.get("AWS_LAMBDA_FUNCTION_NAME")}
        os.environ["COUNT"] = str(int(os.environ.get("COUNT", "0")) + 1)
        del os.environ["AWS_LAMBDA_FUNCTION_NAME"]
        after = {"count": os.environ["COUNT"], "name": os.environ.get("AWS_LAMBDA_FUNCTION_NAME")}
        return {"before": before, "after": after}

    deployment = apigw.deploy(_api(Function("W", handler=handler, environment={"COUNT": "10"})))
    for _ in range(3):
        assert httpx.get(f"{deployment.url}/W").json() == {
            "before": {"count": "10", "name": "W"},
            "after": {"count": "11", "name": None},
        }
    assert "COUNT" not in os.environ
