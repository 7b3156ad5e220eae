"""The handler thread pool's hand-off (``lambda_runtime/threads.py``) on real threads: a caller
waiting in its own thread, a job outlasting the wait, late finish notices, close."""

from __future__ import annotations

import contextlib
import os
import select
import threading
import time

import pytest
from pytest_apigw_embedded.lambda_runtime.threads import QUEUED, RUNNING, HandlerThreads, Job


def test_a_quick_job_is_waited_for_and_a_slow_one_followed_by_callback():
    threads = HandlerThreads(4)
    try:
        quick = threads.submit(lambda x: x * 2, (21,))
        assert threads.wait(quick, 5.0) and quick.result == 42

        release = threading.Event()
        slow = threads.submit(lambda: release.wait(5) and "late", ())
        assert threads.wait(slow, 0.01) is False  # still running: the caller goes on
        got: list[object] = []
        answered = threading.Event()
        assert threads.then(slow, lambda result: (got.append(result), answered.set()))
        release.set()
        assert answered.wait(5) and got == ["late"]
    finally:
        threads.close()


def test_a_job_finishing_after_the_wait_gave_up_does_not_confuse_the_next_wait():
    threads = HandlerThreads(4)
    try:
        late = threads.submit(time.sleep, (0.05,))
        assert threads.wait(late, 0.001) is False
        time.sleep(0.1)  # finished meanwhile, its notice still in the pipe
        assert threads.then(late, print) is False and late.result is None
        blocker = threading.Event()
        next_job = threads.submit(lambda: blocker.wait(5) and "next", ())
        assert threads.wait(next_job, 0.02) is False  # the stale notice is not this job's
        blocker.set()
        assert threads.wait(next_job, 5.0) and next_job.result == "next"
    finally:
        threads.close()


def test_many_callers_many_jobs_each_result_once():
    threads = HandlerThreads(8)
    results: list[int] = []
    lock = threading.Lock()

    def caller(base: int) -> None:
        for i in range(50):
            job = threads.submit(lambda n: n, (base + i,))
            if threads.wait(job, 0.002) or not threads.then(job, lambda r: _add(r)):
                _add(job.result)

    def _add(value: int) -> None:
        with lock:
            results.append(value)

    try:
        callers = [threading.Thread(target=caller, args=(k * 1000,)) for k in range(4)]
        for t in callers:
            t.start()
        for t in callers:
            t.join(10)
        deadline = time.monotonic() + 5
        while len(results) < 200 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert sorted(results) == sorted(k * 1000 + i for k in range(4) for i in range(50))
    finally:
        threads.close()


def test_close_stops_the_workers_and_closes_the_pipes():
    threads = HandlerThreads(4)
    assert threads.wait(threads.submit(lambda: 1, ()), 5.0)
    pipes = [threads._jobs._read, threads._jobs._write, threads._finished_read, threads._finished_write]
    workers = list(threads._healthy)
    assert threads.close() == [] and threads.close() == []  # twice is fine
    assert threads.stats()["healthy"] == 0 and not any(t.is_alive() for t in workers)
    for fd in pipes:
        with pytest.raises(OSError):
            os.fstat(fd)


def test_a_batch_runs_in_order_on_one_thread_with_one_notice():
    threads = HandlerThreads(4)
    try:
        names: list[str] = []
        jobs = [Job(lambda i: (names.append(threading.current_thread().name), i)[1], (i,), None)
                for i in range(5)]
        threads.submit_batch(jobs)
        assert threads.wait_all(jobs, 5.0)
        assert [job.result for job in jobs] == [0, 1, 2, 3, 4] and len(set(names)) == 1
        assert threads.stats()["started"] == 1
    finally:
        threads.close()


def test_a_job_queued_behind_a_slow_one_in_its_batch_is_taken_by_another_thread():
    threads = HandlerThreads(4)
    release = threading.Event()
    try:
        slow = Job(lambda: release.wait(5) and "slow", (), None)
        quick = Job(lambda: "quick", (), None)
        threads.submit_batch([slow, quick])
        assert threads.wait_all([slow, quick], 0.02) is False
        assert slow.state == RUNNING and quick.state == QUEUED
        threads.requeue(quick)  # what the runtime does when the wait gives up
        assert threads.wait(quick, 5.0) and quick.result == "quick"
        assert slow.state == RUNNING  # still held: the quick one did not wait for it
        release.set()
        assert threads.wait(slow, 5.0) and slow.result == "slow"
        assert threads.stats()["written_off"] == 0
    finally:
        release.set()
        threads.close()


def test_a_requeued_job_runs_once_whichever_thread_reaches_it_first():
    threads = HandlerThreads(4)
    runs: list[int] = []
    lock = threading.Lock()

    def count(i: int) -> int:
        with lock:
            runs.append(i)
        return i

    try:
        for _ in range(50):
            jobs = [Job(count, (i,), None) for i in range(4)]
            threads.submit_batch(jobs)
            for job in jobs:
                threads.requeue(job)  # racing the batch's own thread for each
            assert threads.wait_all(jobs, 5.0)
        assert sorted(runs) == sorted(list(range(4)) * 50)
        time.sleep(0.05)
        assert threads.stats()["healthy"] <= 4
    finally:
        threads.close()


def test_submit_wait_reuses_the_pools_poller_and_a_second_caller_makes_its_own():
    threads = HandlerThreads(4)
    try:
        first = Job(lambda x: x + 1, (1,), None)
        assert threads.submit_wait(first, 5.0) and first.result == 2
        poller = threads._poller
        assert poller is not None
        again = Job(lambda: "again", (), None)
        assert threads.submit_wait(again, 5.0) and again.result == "again"
        assert threads._poller is poller  # one poller per pool, not one per call

        # Another thread waits while this one does: it must not share the poller in use.
        release = threading.Event()
        slow = Job(lambda: release.wait(5) and "slow", (), None)
        results: dict[str, object] = {}
        waiter = threading.Thread(target=lambda: results.update(slow=threads.submit_wait(slow, 5.0)))
        waiter.start()
        deadline = time.monotonic() + 5
        while threads._poller is not None and time.monotonic() < deadline:
            time.sleep(0.001)  # the waiter has taken the pool's poller
        quick = Job(lambda: "quick", (), None)
        assert threads.submit_wait(quick, 5.0) and quick.result == "quick"  # a poller of its own
        release.set()
        waiter.join(5)
        assert results == {"slow": True} and slow.result == "slow"
        assert threads._poller is not None
        timed_out = Job(time.sleep, (0.2,), None)
        assert threads.submit_wait(timed_out, 0.01) is False and timed_out.state == RUNNING
    finally:
        threads.close()
    with pytest.raises(RuntimeError, match="closed"):
        threads.submit_wait(Job(lambda: None, (), None), 1.0)


def test_a_waiter_whose_finish_notice_another_thread_took_still_sees_its_job_finish():
    """Two threads waiting at once share the pipe of notices: one may read the byte meant for the
    other (here a thief reads every byte as it comes). The robbed waiter must still see its job
    finish at its next look, not sleep out its whole timeout (30 s here)."""
    threads = HandlerThreads(2)
    stop = threading.Event()

    def thief() -> None:
        poller = select.poll()
        poller.register(threads._finished_read, select.POLLIN)
        while not stop.is_set():
            if poller.poll(1):
                with contextlib.suppress(BlockingIOError):
                    os.read(threads._finished_read, 4096)

    stealing = threading.Thread(target=thief)
    stealing.start()
    try:
        job = threads.submit(lambda: time.sleep(0.05) or "done", ())
        begun = time.monotonic()
        assert threads.wait(job, 30.0) and job.result == "done"
        batch = [Job(lambda: time.sleep(0.05) or "batched", (), None)]
        threads.submit_batch(batch)
        assert threads.wait_all(batch, 30.0) and batch[0].result == "batched"
        assert time.monotonic() - begun < 10  # the notices were lost; the looks were not
    finally:
        stop.set()
        stealing.join(5)
        threads.close()


def test_a_call_starts_as_a_job():
    """The in-process runtime's ``_Call`` is a Job with more fields: it starts with the Job
    fields' starting values."""
    from pytest_apigw_embedded.lambda_runtime.inprocess import _Call

    job = Job(print, (1,), None)
    call = _Call(print, (1,), None, 1.0, 0.0, [])  # type: ignore[arg-type]
    for name in Job.__slots__:
        assert getattr(call, name) == getattr(job, name), name
