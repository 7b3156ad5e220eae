"""One test cannot spoil the next: in-process handlers that hang, exit or pile up (issue 11).

Every check goes through a live deployment over real sockets, and ends by showing the gateway
serves normally right after the fault.
"""

from __future__ import annotations

import sys
import threading
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from pytest_apigw import Function, HttpApi, LambdaProxyIntegration


def _api(*functions: Function) -> HttpApi:
    api = HttpApi("Isolation")
    for function in functions:
        api.add_routes(path=f"/{function.id}", methods=["GET"],
                       integration=LambdaProxyIntegration(handler=function))
    return api


def ok(event, context):
    """A well-behaved handler."""
    return {"statusCode": 200, "body": "ok"}


def _pool_size(deployment, function: Function) -> int:
    return deployment.backend.services.lambda_runtime(function)._threads._max


def test_hung_handlers_past_their_timeout_never_shrink_capacity(apigw):
    release = threading.Event()

    def hang(event, context):
        release.wait(30)
        return {"statusCode": 200}

    hung = Function("Hang", handler=hang, timeout=1)
    good = Function("Good", handler=ok)
    deployment = apigw.deploy(_api(hung, good))
    calls = _pool_size(deployment, hung) + 8  # more than the pool holds
    try:
        with ThreadPoolExecutor(calls) as pool:  # all at once: one timeout's wait in all
            statuses = list(pool.map(
                lambda _: httpx.get(f"{deployment.url}/Hang", timeout=20).status_code, range(calls)))
        assert statuses == [500] * calls  # the function's own timeout: a function error
        # Every thread is still stuck in a handler, yet the next function is served at once.
        for _ in range(5):
            response = httpx.get(f"{deployment.url}/Good", timeout=5)
            assert (response.status_code, response.text) == (200, "ok")
        stats = deployment.backend.services.lambda_runtime(good).stats()
        assert stats["written_off"] >= _pool_size(deployment, hung)  # written off, not capacity
    finally:
        release.set()


@pytest.mark.parametrize("exc", [SystemExit(3), KeyboardInterrupt(), GeneratorExit()])
def test_base_exception_is_a_function_error_answered_at_once(apigw, exc):
    def leave(event, context):
        raise exc

    fn = Function("Leave", handler=leave, timeout=60)
    deployment = apigw.deploy(_api(fn, Function("Good", handler=ok)))
    threads_before = threading.active_count()
    with httpx.Client(timeout=10) as client:  # 10 s: waiting for the function's 60 s would fail
        for _ in range(_pool_size(deployment, fn) + 4):  # more than the pool's threads: none dies
            response = client.get(f"{deployment.url}/Leave")
            assert response.status_code == 500
            assert response.json() == {"message": "Internal Server Error"}
        assert client.get(f"{deployment.url}/Good").text == "ok"
    assert threading.active_count() <= threads_before + 1
    assert sys.exc_info() == (None, None, None)


def test_requests_answered_while_queued_never_run_later(apigw):
    release = threading.Event()
    ran: list[str] = []
    entered = threading.Semaphore(0)

    def hang(event, context):
        entered.release()
        release.wait(30)
        return {"statusCode": 200}

    def count(event, context):
        ran.append(event["rawQueryString"])
        return {"statusCode": 200, "body": "counted"}

    # A long timeout: under load the last hung call may enter seconds after the first, and a
    # hung call timing out would free a thread (a replacement) for the queued one.
    hung = Function("Hang", handler=hang, timeout=30)
    counter = Function("Count", handler=count, timeout=1)
    deployment = apigw.deploy(_api(hung, counter))
    size = _pool_size(deployment, hung)
    try:
        with ThreadPoolExecutor(size + 1) as pool:
            hung_calls = [pool.submit(httpx.get, f"{deployment.url}/Hang", timeout=20) for _ in range(size)]
            # Wait until every pool thread holds a hung handler (each says so on entry; a fixed
            # sleep was too short under load), then queue one more call.
            for _ in range(size):
                assert entered.acquire(timeout=20)
            queued = httpx.get(f"{deployment.url}/Count?late", timeout=10)
            assert queued.status_code == 500  # its 1 s timeout passed while it waited
            release.set()  # the pool's threads come free with the abandoned call still queued
            assert [f.result().status_code for f in hung_calls] == [200] * size
    finally:
        release.set()
    # The hung handlers are done; the abandoned call must not run now.
    assert httpx.get(f"{deployment.url}/Count?now", timeout=5).text == "counted"
    assert ran == ["now"]


def test_process_workers_answered_while_waiting_for_a_worker_never_run(apigw, tmp_path):
    from pytest_apigw_embedded.lambda_runtime.process import MAX_WORKERS_PER_FUNCTION

    from tests.embedded.handlers import isolated

    fn = Function("Busy", handler=isolated.mark_then_sleep, isolation="process", timeout=10)
    api = HttpApi("Pool")
    api.add_routes(path="/slow", methods=["GET"], integration=LambdaProxyIntegration(handler=fn))
    api.add_routes(path="/quick", methods=["GET"], integration=LambdaProxyIntegration(handler=fn, timeout=1))
    deployment = apigw.deploy(api)
    late = tmp_path / "late"
    with ThreadPoolExecutor(MAX_WORKERS_PER_FUNCTION) as pool:
        busy = [pool.submit(httpx.get, f"{deployment.url}/slow", params={"s": "3"}, timeout=30)
                for _ in range(MAX_WORKERS_PER_FUNCTION)]
        threading.Event().wait(0.5)  # every worker slot is taken now
        queued = httpx.get(f"{deployment.url}/quick", params={"mark": str(late)}, timeout=30)
        assert queued.status_code == 503  # the integration's 1 s passed while it waited for a worker
        assert [f.result().text for f in busy] == ["done"] * MAX_WORKERS_PER_FUNCTION
    assert httpx.get(f"{deployment.url}/slow", params={"s": "0"}, timeout=30).text == "done"
    assert not late.exists()
