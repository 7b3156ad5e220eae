"""``LambdaRuntime.release(functions)``: the worker processes of released functions end, and a
later invocation starts afresh; in-process, the function is prepared again (its handler and environment)."""

from __future__ import annotations

import os

import pytest
from pytest_apigw_embedded.lambda_runtime.inprocess import InProcessRuntime
from pytest_apigw_embedded.lambda_runtime.process import ProcessRuntime
from pytest_apigw_embedded.server.loop import LoopThread

from pytest_apigw import Function
from tests.embedded.handlers import isolated


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.fixture
def loop():
    thread = LoopThread("release-test")
    yield thread
    thread.stop()


def test_released_functions_lose_their_workers_and_others_keep_theirs(loop: LoopThread) -> None:
    runtime = ProcessRuntime()
    released = Function("Released", handler=isolated.env_and_context, isolation="process", timeout=30)
    kept = Function("Kept", handler=isolated.env_and_context, isolation="process", timeout=30)
    try:
        first = loop.run(runtime.invoke(released, {})).payload["pid"]
        other = loop.run(runtime.invoke(kept, {})).payload["pid"]
        assert _alive(first) and _alive(other) and first != os.getpid()
        loop.run(runtime.release([released]))
        assert not _alive(first)
        assert _alive(other)
        again = loop.run(runtime.invoke(released, {})).payload["pid"]
        assert again != first and _alive(again)
    finally:
        loop.run(runtime.close())


def _variable(event, context):
    return {"v": os.environ.get("RELEASE_TEST_V")}


def test_in_process_release_prepares_the_function_again(loop: LoopThread) -> None:
    function = Function("Env", handler=_variable, environment={"RELEASE_TEST_V": "1"})
    runtime = InProcessRuntime()
    try:
        assert loop.run(runtime.invoke(function, {})).payload == {"v": "1"}
        function.environment["RELEASE_TEST_V"] = "2"
        assert loop.run(runtime.invoke(function, {})).payload == {"v": "1"}  # prepared once
        loop.run(runtime.release([function]))
        assert loop.run(runtime.invoke(function, {})).payload == {"v": "2"}  # prepared again
    finally:
        loop.run(runtime.close())
