"""``LoopThread`` returns without waiting for its loop to run: what is submitted before the
loop's first iteration (a coroutine, a stop) is queued and runs then."""

from __future__ import annotations

import asyncio
import threading

from pytest_apigw_embedded.server.loop import LoopThread


async def _where(value: int) -> tuple[int, str]:
    await asyncio.sleep(0)
    return value, threading.current_thread().name


def test_work_submitted_at_once_runs_on_the_loop_thread() -> None:
    for i in range(50):
        thread = LoopThread(f"loop-test-{i}")
        try:
            assert thread.run(_where(i), timeout=10) == (i, f"loop-test-{i}")
        finally:
            thread.stop()
        assert not thread.alive
        assert thread.loop.is_closed()


def test_a_stop_submitted_at_once_ends_the_thread() -> None:
    for i in range(50):
        thread = LoopThread(f"loop-stop-{i}")
        thread.stop()
        assert not thread.alive
        assert thread.loop.is_closed()
