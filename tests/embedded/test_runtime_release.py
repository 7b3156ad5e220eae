"""``LambdaRuntime.release(functions)``: the worker processes of released functions end, and a
later invocation starts afresh; in-process, the resolved handler is forgotten and resolved again."""

from __future__ import annotations

import os
import sys
from pathlib import Path

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


def test_in_process_release_resolves_the_handler_again(
    loop: LoopThread, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "released_app.py").write_text(
        "def handler(event, context):\n    return {'statusCode': 200, 'body': 'v1'}\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))  # undone at teardown (resolve() keeps it as is)
    function = Function("Str", handler="released_app.handler", code=tmp_path)
    runtime = InProcessRuntime()
    try:
        assert loop.run(runtime.invoke(function, {})).payload["body"] == "v1"
        import released_app

        released_app.handler = lambda event, context: {"statusCode": 200, "body": "v2"}
        assert loop.run(runtime.invoke(function, {})).payload["body"] == "v1"  # resolved once
        loop.run(runtime.release([function]))
        assert loop.run(runtime.invoke(function, {})).payload["body"] == "v2"  # resolved again
    finally:
        loop.run(runtime.close())
        sys.modules.pop("released_app", None)
