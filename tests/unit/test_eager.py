"""``server/eager.py``: a coroutine's first step run now, a Task only when it waits, on real
event loops (asyncio's and uvloop's)."""

from __future__ import annotations

import asyncio
import contextvars
from typing import Any

import pytest
from pytest_apigw_embedded.server import eager

VAR: contextvars.ContextVar[str] = contextvars.ContextVar("eager_test", default="unset")


def _loops() -> list[Any]:
    import uvloop

    return [asyncio.new_event_loop, uvloop.new_event_loop]


def _run_in_callback(new_loop: Any, coro_fn: Any, *, pass_loop: bool = False
                     ) -> tuple[list[Any], list[BaseException], Any, Any]:
    """Start ``coro_fn()`` eagerly from a loop callback (as a protocol would) and run the loop
    until it settles; ``(results, failures, task, loop)``."""
    loop = new_loop()
    results: list[Any] = []
    failures: list[BaseException] = []
    box: dict[str, Any] = {}
    settled = loop.create_future()

    def done(value: Any) -> None:
        results.append(value)
        settled.set_result(None) if not settled.done() else None

    def failed(exc: BaseException) -> None:
        failures.append(exc)
        settled.set_result(None) if not settled.done() else None

    def kick() -> None:
        box["task"] = eager.start(coro_fn(), done, failed, **({"loop": loop} if pass_loop else {}))
        box["sync"] = bool(results or failures)

    loop.call_soon(kick)
    try:
        loop.run_until_complete(asyncio.wait_for(settled, 5))
    finally:
        loop.close()
    return results, failures, box, loop


@pytest.mark.parametrize("new_loop", _loops())
def test_a_coroutine_that_never_waits_gets_no_task(new_loop):
    async def quick() -> str:
        VAR.set("inside")
        return "answer"

    results, failures, box, _ = _run_in_callback(new_loop, quick)
    assert (results, failures, box["task"], box["sync"]) == (["answer"], [], None, True)
    assert VAR.get() == "unset"  # the first step ran in a copied context


@pytest.mark.parametrize("new_loop", _loops())
def test_a_coroutine_that_waits_is_carried_on_by_a_task_in_the_same_context(new_loop):
    async def slow() -> tuple[str, bool]:
        VAR.set("first step")
        await asyncio.sleep(0.01)
        await asyncio.sleep(0)  # a bare yield too
        return VAR.get(), asyncio.current_task() is not None

    results, failures, box, _ = _run_in_callback(new_loop, slow)
    assert failures == [] and results == [("first step", True)]
    assert isinstance(box["task"], asyncio.Task) and box["sync"] is False


@pytest.mark.parametrize("new_loop", _loops())
def test_asyncio_timeout_entered_in_the_first_step_still_fires(new_loop):
    async def times_out() -> str:
        try:
            async with asyncio.timeout(0.01):
                await asyncio.sleep(5)
        except TimeoutError:
            return "timed out"
        return "not cut"

    results, failures, _, _ = _run_in_callback(new_loop, times_out)
    assert (results, failures) == (["timed out"], [])


@pytest.mark.parametrize("new_loop", _loops())
def test_errors_reach_failed_from_either_step(new_loop):
    async def at_once() -> None:
        raise ValueError("first")

    async def later() -> None:
        await asyncio.sleep(0.001)
        raise KeyError("second")

    for coro_fn, kind in ((at_once, ValueError), (later, KeyError)):
        results, failures, _, _ = _run_in_callback(new_loop, coro_fn)
        assert results == [] and [type(f) for f in failures] == [kind]


@pytest.mark.parametrize("new_loop", _loops())
def test_cancelling_the_task_reaches_the_coroutine(new_loop):
    cleaned: list[str] = []

    async def waits() -> None:
        try:
            await asyncio.sleep(5)
        finally:
            cleaned.append("finally ran")

    def start_and_cancel() -> Any:
        async def wrapper() -> None:
            await waits()
        return wrapper()

    loop = new_loop()
    failures: list[BaseException] = []
    box: dict[str, Any] = {}

    def kick() -> None:
        box["task"] = eager.start(start_and_cancel(), lambda _: None, failures.append)
        loop.call_later(0.01, box["task"].cancel)

    loop.call_soon(kick)
    try:
        loop.run_until_complete(asyncio.sleep(0.1))
    finally:
        loop.close()
    assert cleaned == ["finally ran"]
    assert [type(f) for f in failures] == [asyncio.CancelledError]


def test_inside_a_task_the_coroutine_simply_gets_its_own():
    async def main() -> tuple[Any, list[Any]]:
        results: list[Any] = []
        settled = asyncio.get_running_loop().create_future()

        async def quick() -> int:
            return 7

        task = eager.start(quick(), lambda v: (results.append(v), settled.set_result(None)), print)
        await settled
        return task, results

    task, results = asyncio.run(main())
    assert isinstance(task, asyncio.Task) and results == [7]


class _Resumable(asyncio.Future):  # type: ignore[type-arg]
    """A future that steps its waiter on itself, as the in-process Lambda hand-off does."""

    eager_resumable = True
    resume: Any = None

    def settle(self, value: Any) -> None:
        if self.done():
            return
        self.set_result(value)
        resume, self.resume = self.resume, None
        if resume is not None:
            resume()


@pytest.mark.parametrize("new_loop", _loops())
def test_a_coroutine_waiting_only_on_resumable_futures_gets_no_task(new_loop):
    futures: list[_Resumable] = []
    seen: list[Any] = []

    async def hands_off() -> tuple[str, str]:
        VAR.set("before")
        for _ in range(2):  # two hand-offs in a row, each stepped on by its settle
            future = _Resumable()
            futures.append(future)
            seen.append(await future)
        return VAR.get(), type(asyncio.current_task()).__name__

    loop = new_loop()
    results: list[Any] = []
    box: dict[str, Any] = {}

    def settle_next() -> None:
        if len(futures) > len(seen):
            futures[len(seen)].settle(f"result {len(seen)}")
        if not results:
            loop.call_later(0.001, settle_next)

    def kick() -> None:
        box["task"] = eager.start(hands_off(), results.append, print)
        loop.call_later(0.001, settle_next)

    loop.call_soon(kick)
    try:
        loop.run_until_complete(asyncio.sleep(0.1))
        tasks_left = asyncio.all_tasks(loop)
    finally:
        loop.close()
    assert box["task"] is None and not tasks_left
    assert seen == ["result 0", "result 1"]
    # the context of the first step is kept; current_task() is the stand-in, never a Task
    assert results == [("before", "_PendingTask")]


@pytest.mark.parametrize("new_loop", _loops())
def test_a_cancel_asked_while_waiting_on_a_resumable_future_reaches_the_coroutine(new_loop):
    box: dict[str, Any] = {}
    failures: list[BaseException] = []
    steps: list[str] = []

    async def hands_off() -> None:
        box["stand_in"] = asyncio.current_task()
        box["future"] = future = _Resumable()
        try:
            steps.append(await future)
            await asyncio.sleep(5)  # the cancellation lands here
            steps.append("not cancelled")
        finally:
            steps.append("finally ran")

    loop = new_loop()

    def kick() -> None:
        box["task"] = eager.start(hands_off(), print, failures.append)
        box["stand_in"].cancel()  # asked while the coroutine waits, no Task existing
        loop.call_later(0.001, box["future"].settle, "settled")

    loop.call_soon(kick)
    try:
        loop.run_until_complete(asyncio.sleep(0.1))
    finally:
        loop.close()
    assert box["task"] is None
    assert steps == ["settled", "finally ran"] and [type(f) for f in failures] == [asyncio.CancelledError]


@pytest.mark.parametrize("new_loop", _loops())
def test_a_cancel_asked_in_the_first_step_reaches_the_coroutine_and_failed(new_loop):
    failures: list[BaseException] = []
    steps: list[str] = []

    async def cancels_itself() -> None:
        asyncio.current_task().cancel()  # type: ignore[union-attr]  # asked of the stand-in
        try:
            await asyncio.sleep(5)
            steps.append("not cancelled")
        finally:
            steps.append("finally ran")

    loop = new_loop()
    loop.call_soon(lambda: eager.start(cancels_itself(), print, failures.append))
    try:
        loop.run_until_complete(asyncio.sleep(0.1))
    finally:
        loop.close()
    assert steps == ["finally ran"] and [type(f) for f in failures] == [asyncio.CancelledError]


@pytest.mark.parametrize("new_loop", _loops())
def test_the_callers_loop_may_be_passed_in_and_is_the_one_used(new_loop):
    async def waits() -> Any:
        first = asyncio.current_task()
        await asyncio.sleep(0.001)  # a Task takes over, on the loop given
        return first is not None, asyncio.get_running_loop()

    results, failures, box, loop = _run_in_callback(new_loop, waits, pass_loop=True)
    assert failures == []
    assert results == [(True, loop)]
    assert box["task"] is not None and box["task"].get_loop() is loop
