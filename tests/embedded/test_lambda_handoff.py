"""The in-process hand-off batched per loop turn (``lambda_runtime/inprocess.py``): invocations
started in one turn of the event loop (as the lean server starts them when several connections
are open: ``eager.start(..., batch=True)``) go to one handler thread together, on real threads
and a real uvloop loop; a slow one never holds the others back, timeouts still cut."""

from __future__ import annotations

import asyncio
import threading
import time
from typing import Any

import pytest
from pytest_apigw_embedded.lambda_runtime import inprocess
from pytest_apigw_embedded.lambda_runtime.inprocess import InProcessRuntime
from pytest_apigw_embedded.server import eager
from pytest_apigw_embedded.server.loop import LoopThread

from pytest_apigw import Function


@pytest.fixture
def loop():
    thread = LoopThread("handoff-test")
    yield thread
    thread.stop()


async def _in_one_turn(*coros: Any) -> list[Any]:
    """Start ``coros`` eagerly in one loop callback, batched as the server would; their results
    (or exceptions) in order."""
    loop = asyncio.get_running_loop()
    futures = [loop.create_future() for _ in coros]
    tasks: list[Any] = []

    def kick() -> None:
        for coro, future in zip(coros, futures, strict=True):
            tasks.append(eager.start(coro, future.set_result, future.set_exception, batch=True))

    loop.call_soon(kick)
    results = await asyncio.wait_for(asyncio.gather(*futures), 10)
    assert tasks == [None] * len(coros)  # no Task for any of them
    return list(results)


def _thread_name(event, context):
    return {"n": event["n"], "thread": threading.current_thread().name}


def test_one_turns_invocations_run_on_one_thread_in_order(
    loop: LoopThread, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A long hand-off wait: on a loaded machine the batch's thread may not start within the usual
    # 2 ms, and jobs still queued then are offered to other threads (a later test covers that).
    monkeypatch.setattr(inprocess, "HANDOFF_WAIT", 10.0)
    function = Function("Batch", handler=_thread_name)
    runtime = InProcessRuntime()

    async def burst() -> list[dict]:
        results = await _in_one_turn(*(runtime.invoke(function, {"n": n}) for n in range(8)))
        return [r.payload for r in results]

    try:
        payloads = loop.run(burst())
        assert [p["n"] for p in payloads] == list(range(8))
        assert len({p["thread"] for p in payloads}) == 1  # one batch, one wake-up
        assert runtime.stats()["started"] == 1
    finally:
        loop.run(runtime.close())


def test_a_slow_invocation_does_not_hold_back_the_rest_of_its_batch(loop: LoopThread) -> None:
    release = threading.Event()

    def slow(event, context):
        release.wait(10)
        return "slow"

    slow_fn = Function("Slow", handler=slow, timeout=30)
    quick_fn = Function("Quick", handler=lambda event, context: event["n"])
    runtime = InProcessRuntime()

    async def burst() -> tuple[list[object], bool, object]:
        loop = asyncio.get_running_loop()
        slow_call: asyncio.Future[Any] = loop.create_future()
        quick: list[asyncio.Future[Any]] = [loop.create_future() for _ in range(3)]

        def kick() -> None:  # one turn: ``slow`` first in the batch, the quick ones behind it
            eager.start(runtime.invoke(slow_fn, {}), slow_call.set_result, slow_call.set_exception,
                        batch=True)
            for n, future in enumerate(quick):
                eager.start(runtime.invoke(quick_fn, {"n": n}), future.set_result, future.set_exception,
                            batch=True)

        loop.call_soon(kick)
        done = await asyncio.wait_for(asyncio.gather(*quick), 5)
        still_running = not slow_call.done()
        release.set()
        return [r.payload for r in done], still_running, (await slow_call).payload

    try:
        quick, still_running, slow_payload = loop.run(burst())
        assert quick == [0, 1, 2] and still_running and slow_payload == "slow"
    finally:
        release.set()
        loop.run(runtime.close())


def test_a_batch_whose_thread_starts_late_does_not_keep_its_rest_behind_a_hung_first(
        loop: LoopThread, monkeypatch: pytest.MonkeyPatch) -> None:
    """On a busy machine the batch's thread may not have begun when the hand-off wait ends: every
    job still queued is then offered to any free thread, so one behind a hung handler runs now
    (it once stayed behind it until the hung one ended, past its own timeout)."""
    from pytest_apigw_embedded.lambda_runtime import threads

    run_batch = threads.HandlerThreads._run_batch

    def late(self: threads.HandlerThreads, jobs: list[Any], *rest: Any) -> bool:
        time.sleep(0.05)  # scheduled late: the loop's 2 ms wait is over before the batch starts
        return run_batch(self, jobs, *rest)

    monkeypatch.setattr(threads.HandlerThreads, "_run_batch", late)
    release = threading.Event()

    def hangs(event, context):
        release.wait(10)
        return "late"

    hung = Function("Hangs", handler=hangs, timeout=5)
    quick = Function("Quick", handler=lambda event, context: "quick")
    runtime = InProcessRuntime()

    async def burst() -> tuple[object, bool]:
        loop_ = asyncio.get_running_loop()
        first: asyncio.Future[Any] = loop_.create_future()
        second: asyncio.Future[Any] = loop_.create_future()

        def kick() -> None:
            eager.start(runtime.invoke(hung, {}), first.set_result, first.set_exception, batch=True)
            eager.start(runtime.invoke(quick, {}), second.set_result, second.set_exception, batch=True)

        loop_.call_soon(kick)
        answered = await asyncio.wait_for(second, 3)
        return answered.payload, first.done()

    try:
        payload, hung_done = loop.run(burst())
        assert payload == "quick" and not hung_done
    finally:
        release.set()
        loop.run(runtime.close())


def test_a_timeout_in_a_batch_answers_timed_out_and_the_others_normally(loop: LoopThread) -> None:
    release = threading.Event()

    def hangs(event, context):
        release.wait(10)
        return "late"

    hung = Function("Hangs", handler=hangs, timeout=1)
    quick = Function("Quick", handler=lambda event, context: "quick")
    runtime = InProcessRuntime()

    async def burst() -> list[object]:
        return await _in_one_turn(runtime.invoke(hung, {}, timeout=0.2), runtime.invoke(quick, {}))

    try:
        started = time.monotonic()
        cut, answered = loop.run(burst())
        assert time.monotonic() - started < 2
        assert cut.timed_out and cut.error_type == "Sandbox.Timedout"
        assert answered.payload == "quick"
        assert runtime.stats()["written_off"] == 1  # the hung handler's thread, replaced
    finally:
        release.set()
        loop.run(runtime.close())



def test_a_batch_handed_to_a_closed_pool_fails_each_request_at_once(loop: LoopThread) -> None:
    function = Function("Closed", handler=_thread_name)
    runtime = InProcessRuntime()
    loop.run(runtime.invoke(function, {"n": 0}))  # prepared while open
    loop.run(runtime.close())

    async def burst() -> list[Any]:
        results = []
        for outcome in await _in_one_turn(*(_outcome(runtime.invoke(function, {"n": n})) for n in range(3))):
            results.append(outcome)
        return results

    assert loop.run(burst()) == ["RuntimeError: the handler thread pool is closed"] * 3


async def _outcome(coro: Any) -> str:
    try:
        return repr(await coro)
    except RuntimeError as exc:
        return f"RuntimeError: {exc}"
