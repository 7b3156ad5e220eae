"""Node.js handlers run by the machine's ``node`` through the Lambda Runtime API, over real HTTP."""

from __future__ import annotations

import json
import os
import re
import shutil
import threading
import time

import httpx
import pytest

from pytest_apigw import (
    Function,
    HttpApi,
    HttpLambdaAuthorizer,
    HttpLambdaResponseType,
    LambdaProxyIntegration,
    LambdaWebSocketIntegration,
    SpecError,
    WebSocketApi,
    WebSocketStage,
)
from pytest_apigw.invocations import LOG
from tests.embedded.runtime_processes import (
    NODE_CJS,
    NODE_ESM_TYPE,
    NODE_MJS,
    alive,
    instances,
    wait_gone,
)

pytestmark = pytest.mark.skipif(shutil.which("node") is None, reason="needs Node.js (node on PATH)")


def node_fn(name, handler, code=NODE_CJS, **kwargs):
    return Function(name, runtime="nodejs20.x", handler=handler, code=code, **kwargs)


def api_of(*functions, version="2.0"):
    api = HttpApi("NodeApi")
    for function in functions:
        api.add_routes(path=f"/{function.id}", methods=["GET"],
                       integration=LambdaProxyIntegration(handler=function, payload_format_version=version))
    return api


def test_commonjs_handler_gets_lambda_context_and_environment(apigw):
    fn = node_fn("Ctx", "handlers.context", environment={"GREETING": "hi"}, memory_size=512, timeout=7)
    deployment = apigw.deploy(api_of(fn))
    body = httpx.get(f"{deployment.url}/Ctx", timeout=30).json()
    assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", body["awsRequestId"])
    assert body["functionName"] == "Ctx" and body["functionVersion"] == "$LATEST"
    assert body["invokedFunctionArn"] == "arn:aws:lambda:us-east-1:123456789012:function:Ctx"
    assert body["memoryLimitInMB"] == "512"
    assert body["logGroupName"] == "/aws/lambda/Ctx"
    assert re.fullmatch(r"\d{4}/\d{2}/\d{2}/\[\$LATEST\][0-9a-f]{32}", body["logStreamName"])
    assert 5000 < body["remaining"] <= 7000
    assert body["callbackWaitsForEmptyEventLoop"] is True
    assert body["rawPath"] == "/Ctx"
    env = body["env"]
    assert re.fullmatch(r"127\.0\.0\.1:\d+", env["AWS_LAMBDA_RUNTIME_API"])
    assert env["_HANDLER"] == "handlers.context"
    assert env["LAMBDA_TASK_ROOT"] == str(NODE_CJS) == body["cwd"]
    assert env["AWS_LAMBDA_FUNCTION_NAME"] == "Ctx" and env["AWS_LAMBDA_FUNCTION_VERSION"] == "$LATEST"
    assert env["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] == "512" and env["AWS_REGION"] == "us-east-1"
    assert env["TZ"] == ":UTC" and env["GREETING"] == "hi"
    assert env["AWS_ACCESS_KEY_ID"] and env["AWS_SECRET_ACCESS_KEY"] and env["AWS_SESSION_TOKEN"]
    assert env["_X_AMZN_TRACE_ID"].startswith("Root=1-")
    assert "GREETING" not in os.environ


@pytest.mark.parametrize(("code", "handler", "expected"), [
    (NODE_ESM_TYPE, "index.handler", {"kind": "esm-type-module", "loaded": "top-level await ran",
                                       "fn": "Esm", "isModule": True}),
    (NODE_MJS, "app.handlers.main", {"kind": "mjs", "base": "app.mjs"}),
])
def test_es_modules(apigw, code, handler, expected):
    deployment = apigw.deploy(api_of(node_fn("Esm", handler, code=code)))
    response = httpx.get(f"{deployment.url}/Esm", timeout=30)
    assert response.status_code == 200
    assert response.json() == expected


@pytest.mark.parametrize("handler", ["callback", "promise"])
def test_callback_and_promise_handlers(apigw, handler):
    deployment = apigw.deploy(api_of(node_fn("H", f"handlers.{handler}")))
    assert httpx.get(f"{deployment.url}/H", timeout=30).json() == {"style": handler, "path": "/H"}


def test_callback_answer_waits_for_the_empty_event_loop_unless_told_not_to(apigw):
    deployment = apigw.deploy(api_of(node_fn("W", "handlers.waitsForEmptyLoop")))
    with httpx.Client(timeout=30) as client:
        client.get(f"{deployment.url}/W?waits=false")  # warm the instance up
        started = time.perf_counter()
        assert client.get(f"{deployment.url}/W?waits=true").status_code == 200
        waited = time.perf_counter() - started
        started = time.perf_counter()
        assert client.get(f"{deployment.url}/W?waits=false").status_code == 200
        not_waited = time.perf_counter() - started
    assert waited >= 0.35  # the handler's 400 ms timer ran out before the answer
    assert not_waited < waited - 0.2


def test_module_state_survives_between_warm_calls_of_one_instance(apigw):
    fn = node_fn("Count", "handlers.counter")
    deployment = apigw.deploy(api_of(fn))
    with httpx.Client(timeout=30) as client:
        answers = [client.get(f"{deployment.url}/Count").json() for _ in range(3)]
    assert [a["calls"] for a in answers] == [1, 2, 3]
    assert len({a["pid"] for a in answers}) == 1 and answers[0]["pid"] != os.getpid()
    assert instances(deployment, fn).started == 1


def test_thrown_error_is_500_with_type_message_trace_and_logs(apigw):
    deployment = apigw.deploy(api_of(node_fn("Boom", "handlers.throws")))
    mark = LOG.mark()
    response = httpx.get(f"{deployment.url}/Boom", timeout=30)
    assert response.status_code == 500
    assert response.json() == {"message": "Internal Server Error"}
    record = LOG.since(mark)[-1]
    assert record.error == "BookNotFound: no book 42"
    assert "BookNotFound: no book 42" in record.traceback and "handlers.js" in record.traceback
    assert any("\tINFO\tabout to fail" in line for line in record.logs)


def test_callback_error_is_500(apigw):
    deployment = apigw.deploy(api_of(node_fn("CbErr", "handlers.callbackError")))
    mark = LOG.mark()
    assert httpx.get(f"{deployment.url}/CbErr", timeout=30).status_code == 500
    assert LOG.since(mark)[-1].error == "Error: callback says no"


def test_uncaught_exception_fails_the_invocation_and_replaces_the_instance(apigw):
    fn = node_fn("Crash", "handlers.crashes")
    deployment = apigw.deploy(api_of(fn))
    mark = LOG.mark()
    assert httpx.get(f"{deployment.url}/Crash", timeout=30).status_code == 500
    record = LOG.since(mark)[-1]
    assert record.error == "TypeError: async boom"
    assert any("\tERROR\tUncaught Exception" in line for line in record.logs)
    assert httpx.get(f"{deployment.url}/Crash", timeout=30).status_code == 500
    assert instances(deployment, fn).started == 2


def test_an_exception_after_the_answer_ends_the_instance_and_the_next_request_gets_a_new_one(apigw):
    fn = node_fn("Later", "handlers.throwsLater")
    deployment = apigw.deploy(api_of(fn))
    first = httpx.get(f"{deployment.url}/Later", timeout=30)
    assert first.status_code == 200
    # The instance dies of it between invocations: it is not handed the next event.
    assert wait_gone([first.json()["pid"]], timeout=10) == []
    second = httpx.get(f"{deployment.url}/Later", timeout=30)
    assert second.status_code == 200 and second.json()["pid"] != first.json()["pid"]


def test_console_output_lands_in_the_log_of_its_invocation(apigw):
    deployment = apigw.deploy(api_of(node_fn("Log", "handlers.logs")))
    mark = LOG.mark()
    with httpx.Client(timeout=30) as client:
        ids = [client.get(f"{deployment.url}/Log").json()["requestId"] for _ in range(3)]
    records = LOG.since(mark)
    assert len(records) == 3
    for request_id, record in zip(ids, records, strict=True):
        text = "".join(record.logs)
        assert f"\t{request_id}\tINFO\tinfo line {{ path: '/Log' }}\n" in text
        assert f"\t{request_id}\tERROR\terror line\n" in text
        assert "raw stdout\n" in text
        others = [i for i in ids if i != request_id]
        assert not any(other in text for other in others)


def test_timeout_stops_the_instance_and_the_next_request_gets_a_new_one(apigw):
    hang = node_fn("Hang", "handlers.hang", timeout=1)
    deployment = apigw.deploy(api_of(hang))
    mark = LOG.mark()
    started = time.perf_counter()
    assert httpx.get(f"{deployment.url}/Hang", timeout=30).status_code == 500
    assert 0.9 < time.perf_counter() - started < 5
    record = LOG.since(mark)[-1]
    assert record.error == "Task timed out after 1.00 seconds"
    assert any("hanging" in line for line in record.logs)
    pool = instances(deployment, hang)
    assert pool.started == 1 and pool.all == set()  # stopped, not kept
    assert httpx.get(f"{deployment.url}/Hang", timeout=30).status_code == 500
    assert pool.started == 2


def test_four_concurrent_slow_requests_run_on_four_instances_at_once(apigw):
    slow = node_fn("Slow", "handlers.slow")
    deployment = apigw.deploy(api_of(slow))
    httpx.get(f"{deployment.url}/Slow?ms=1", timeout=30)  # one warm instance, three cold
    results = []

    def call():
        results.append(httpx.get(f"{deployment.url}/Slow?ms=1500", timeout=30).json())

    threads = [threading.Thread(target=call) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 4 and len({r["pid"] for r in results}) == 4
    # Overlapping, not one after the other: every handler began before the first one ended (1.5 s
    # leaves room for three cold starts on a loaded 2-core machine; no wall-clock bound asserted).
    assert max(r["started"] for r in results) < min(r["ended"] for r in results)
    assert instances(deployment, slow).started == 4


def test_reserved_concurrency_throttles_what_does_not_fit(apigw):
    fn = node_fn("One", "handlers.slow", reserved_concurrency=1)
    deployment = apigw.deploy(api_of(fn))
    statuses = []

    def call():
        statuses.append(httpx.get(f"{deployment.url}/One?ms=600", timeout=30).status_code)

    mark = LOG.mark()
    threads = [threading.Thread(target=call) for _ in range(3)]
    for thread in threads:
        thread.start()
        time.sleep(0.05)
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [200, 500, 500]
    throttled = [r for r in LOG.since(mark) if r.status == 500]
    assert all(r.error.startswith("TooManyRequestsException: Rate Exceeded.") for r in throttled)
    assert instances(deployment, fn).started == 1


def test_reserved_concurrency_zero_throttles_everything(apigw):
    deployment = apigw.deploy(api_of(node_fn("Off", "handlers.pid", reserved_concurrency=0)))
    assert httpx.get(f"{deployment.url}/Off", timeout=30).status_code == 500


def test_oversize_response_is_a_function_error(apigw):
    deployment = apigw.deploy(api_of(node_fn("Big", "handlers.big")))
    mark = LOG.mark()
    assert httpx.get(f"{deployment.url}/Big", timeout=30).status_code == 500
    assert LOG.since(mark)[-1].error.startswith("Function.ResponseSizeTooLarge: Response payload size")
    # The instance is still usable.
    assert httpx.get(f"{deployment.url}/Big", timeout=30).status_code == 500


def test_events_bigger_than_one_read_arrive_whole_on_a_warm_instance(apigw):
    # Events of megabytes (their JSON escapes each non-ASCII character) reach the runtime in many
    # reads; small ones in between reuse the same connection and instance.
    fn = node_fn("Echo", "handlers.echo")
    api = HttpApi("EchoApi")
    api.add_routes(path="/echo", methods=["POST"], integration=LambdaProxyIntegration(handler=fn))
    deployment = apigw.deploy(api)
    with httpx.Client(timeout=30) as client:
        for text in ["é€😀x" * 100_000, "small", "ü" * 500_000, "", "€" * 30_000]:
            response = client.post(f"{deployment.url}/echo", content=text.encode(),
                                   headers={"content-type": "text/plain; charset=utf-8"})
            assert response.status_code == 200
            assert response.text == text
            # JavaScript counts UTF-16 code units: an emoji is two.
            assert int(response.headers["x-chars"]) == len(text.encode("utf-16-le")) // 2
    assert len(instances(deployment, fn).pids()) == 1


def test_a_handler_calling_its_own_gateway_is_answered_every_time(apigw):
    # While a warm instance works, the gateway first waits for it a moment in its own thread:
    # a handler that calls the same gateway (here another Node.js function) must still be
    # answered, each time, warm or not.
    outer = node_fn("Outer", "handlers.callsGateway")
    inner = node_fn("Inner", "handlers.counter")
    deployment = apigw.deploy(api_of(outer, inner))
    with httpx.Client(timeout=30) as client:
        for calls in range(1, 6):
            response = client.get(f"{deployment.url}/Outer", params={"url": f"{deployment.url}/Inner"})
            assert response.status_code == 200
            got = response.json()
            assert got["status"] == 200 and json.loads(got["text"])["calls"] == calls


def test_processes_end_with_their_deployment(apigw):
    fn = node_fn("Pid", "handlers.slow")
    with apigw.deployed(api_of(fn)) as deployment:
        results = []
        threads = [threading.Thread(target=lambda: results.append(
            httpx.get(f"{deployment.url}/Pid?ms=300", timeout=30).json()["pid"])) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert len(set(results)) == 2 and all(alive(pid) for pid in results)
    assert wait_gone(results, timeout=0.5) == []


def test_lambda_authorizer_in_node(apigw):
    auth = HttpLambdaAuthorizer("NodeAuth", node_fn("AuthFn", "handlers.authorizer"),
                                response_types=[HttpLambdaResponseType.SIMPLE], results_cache_ttl=0)
    api = HttpApi("Guarded")
    api.add_routes(path="/ctx", methods=["GET"], authorizer=auth,
                   integration=LambdaProxyIntegration(handler=node_fn("Inner", "handlers.context")))
    deployment = apigw.deploy(api)
    denied = httpx.get(f"{deployment.url}/ctx", headers={"Authorization": "wrong"}, timeout=30)
    assert denied.status_code == 403
    response = httpx.get(f"{deployment.url}/ctx", headers={"Authorization": "secret"}, timeout=30)
    assert response.status_code == 200 and response.json()["functionName"] == "Inner"


def test_websocket_route_with_a_node_handler(apigw):
    api = WebSocketApi("NodeWs")
    WebSocketStage("Dev", web_socket_api=api, stage_name="dev", auto_deploy=True)
    integration = LambdaWebSocketIntegration(handler=node_fn("WsFn", "handlers.ws"))
    api.add_route("sendmessage", integration=integration, return_response=True)
    deployment = apigw.deploy(api)
    with deployment.ws_connect() as ws:
        for text in ("one", "two"):
            ws.send_json({"action": "sendmessage", "text": text})
            answer = ws.recv_json()
            assert answer["routeKey"] == "sendmessage" and answer["fn"] == "WsFn"
            assert f'"text": "{text}"' in answer["body"]


# -- SpecErrors at build and deploy --------------------------------------------------------------


def test_missing_handler_file_is_a_spec_error(tmp_path):
    with pytest.raises(SpecError) as info:
        Function("Nope", runtime="nodejs20.x", handler="missing.handler", code=tmp_path)
    assert "Function 'Nope'" in str(info.value) and "missing.js" in str(info.value)
    with pytest.raises(SpecError, match="'file.export'"):
        Function("Bad", runtime="nodejs20.x", handler="nodot", code=NODE_CJS)
    with pytest.raises(SpecError, match="needs code="):
        Function("NoCode", runtime="nodejs20.x", handler="index.handler")
    with pytest.raises(SpecError, match="not supported"):
        Function("Old", runtime="nodejs12.x", handler="index.handler", code=NODE_CJS)
    for bad in (-1, 1.5, True, "2"):
        with pytest.raises(SpecError, match="reserved_concurrency"):
            node_fn("Rc", "handlers.pid", reserved_concurrency=bad)


def test_missing_node_is_a_spec_error_at_deploy(apigw, monkeypatch, tmp_path):
    monkeypatch.setenv("PYTEST_APIGW_NODE", str(tmp_path / "no-node-here"))
    with pytest.raises(SpecError) as info:
        apigw.deploy(api_of(node_fn("NoNode", "handlers.pid")))
    assert "Function 'NoNode'" in str(info.value) and "Node.js" in str(info.value)


def test_import_error_is_500_with_the_init_error(apigw, tmp_path):
    (tmp_path / "broken.js").write_text("require('no-such-package');\nexports.handler = async () => 1;\n")
    fn = node_fn("Broken", "broken.handler", code=tmp_path)
    deployment = apigw.deploy(api_of(fn))
    mark = LOG.mark()
    assert httpx.get(f"{deployment.url}/Broken", timeout=30).status_code == 500
    record = LOG.since(mark)[-1]
    assert record.error.startswith("Runtime.ImportModuleError: ")
    assert "no-such-package" in record.error
    assert instances(deployment, fn).all == set()


def test_a_python_callable_stands_in_for_a_node_function(apigw):
    def double(event, context):
        return {"statusCode": 200, "body": "py"}

    fn = Function("Double", runtime="nodejs20.x", handler=double)
    assert fn.runtime_family == "python"
    deployment = apigw.deploy(api_of(fn))
    assert httpx.get(f"{deployment.url}/Double", timeout=30).text == "py"


def test_handler_in_a_subfolder_as_a_cjs_file(apigw, tmp_path):
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "api.cjs").write_text(
        "module.exports.routes = {\n"
        "  get: async (event) => ({ statusCode: 200, body: 'cjs ' + event.rawPath }),\n"
        "};\n"
    )
    deployment = apigw.deploy(api_of(node_fn("Nested", "src/api.routes.get", code=tmp_path)))
    assert httpx.get(f"{deployment.url}/Nested", timeout=30).text == "cjs /Nested"
