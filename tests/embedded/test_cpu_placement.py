"""Where handler threads wake (``lambda_runtime/placement.py``), on real threads and the real
kernel: a resting thread is pinned to the CPU of the thread handing it work, and lets go of the
pin before any handler runs, so handlers (and the threads and processes they start) always have
the whole CPU set. Needs Linux and at least two CPUs."""

from __future__ import annotations

import concurrent.futures
import json
import os
import subprocess
import sys
import threading
import time

import httpx
import pytest
from pytest_apigw_embedded.lambda_runtime import placement
from pytest_apigw_embedded.lambda_runtime.threads import QUEUED, HandlerThreads, Job

from pytest_apigw import Function, HttpApi, LambdaProxyIntegration

pytestmark = pytest.mark.skipif(
    placement.current_cpu is None or len(os.sched_getaffinity(0)) < 2,
    reason="CPU placement needs Linux's sched_getcpu and at least two CPUs",
)


def _cpus_seen(event, context):
    """The CPU sets of the handler's thread and of a thread it starts; with ``?child``, of a
    process it starts too (slow: a handler that outlasts the hand-off wait is no longer waited
    for, so only the last request asks for it)."""
    started: list[list[int]] = []
    thread = threading.Thread(target=lambda: started.append(sorted(os.sched_getaffinity(0))))
    thread.start()
    thread.join()
    seen = {"cpus": sorted(os.sched_getaffinity(0)), "thread": started[0]}
    if "child" in (event.get("queryStringParameters") or {}):
        seen["child"] = [int(cpu) for cpu in subprocess.run(
            [sys.executable, "-c", "import os; print(*sorted(os.sched_getaffinity(0)))"],
            capture_output=True, text=True, check=True, timeout=30).stdout.split()]
    return {"statusCode": 200, "body": json.dumps(seen)}


def _pin_of(thread_id: int) -> set[int]:
    return set(os.sched_getaffinity(thread_id))


def _until(condition, seconds: float = 5.0) -> None:
    """Poll ``condition`` (another thread makes it true) for up to ``seconds``."""
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.001)


def test_a_resting_thread_is_pinned_to_its_wakers_cpu_and_runs_its_job_unpinned():
    if not placement.enabled():
        pytest.skip(f"{placement.ENV}=0 in the environment")
    whole = set(os.sched_getaffinity(0))
    threads = HandlerThreads(2)
    try:
        first = threads.submit(threading.get_native_id, ())
        assert threads.wait(first, 5.0)
        worker = first.result
        _until(lambda: threads._placement._resting)  # back to rest
        with threads._lock:
            threads._placement.before_wake()
            here = placement.current_cpu()  # type: ignore[misc]
            pinned = _pin_of(worker)
        # pinned while it rests: to the CPU this thread ran on while handing work over
        assert pinned == {threads._placement._cpu}
        assert here in whole
        job = threads.submit(lambda: (threading.get_native_id(), set(os.sched_getaffinity(0))), ())
        assert threads.wait(job, 5.0)
        ran_on, cpus = job.result
        assert ran_on == worker and cpus == whole  # the pin is gone before the job runs
    finally:
        threads.close()


def _resting_pin_during_a_batch(threads: HandlerThreads) -> tuple[set[int], set[int]]:
    """Two workers run a job each and rest; a batch then wakes one of them: the CPU set of the
    other, still resting, read while the batch's job runs; and the whole set."""
    release = threading.Event()
    first = threads.submit(lambda: (release.wait(5), threading.get_native_id())[1], ())
    second = threads.submit(threading.get_native_id, ())
    assert threads.wait(second, 5.0)
    release.set()
    assert threads.wait(first, 5.0)
    _until(lambda: threads._idle >= 2)  # both back at rest
    assert threads._idle == 2
    hold = threading.Event()
    busy = Job(lambda: (hold.wait(5), threading.get_native_id())[1], (), None)
    threads.submit_batch([busy])
    _until(lambda: busy.state != QUEUED)  # taken by one of the two
    try:
        running = busy.thread.native_id if busy.thread is not None else None
        other = second.result if running == first.result else first.result
        return _pin_of(other), set(os.sched_getaffinity(0))
    finally:
        hold.set()
        assert threads.wait_all([busy], 5.0)


def test_a_batch_pins_the_other_resting_threads_to_its_callers_cpu():
    if not placement.enabled():
        pytest.skip(f"{placement.ENV}=0 in the environment")
    threads = HandlerThreads(2)
    try:
        pinned, whole = _resting_pin_during_a_batch(threads)
        assert len(pinned) == 1 and pinned < whole
    finally:
        threads.close()


def test_placement_is_off_when_the_environment_says_so(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv(placement.ENV, "0")
    threads = HandlerThreads(2)
    try:
        assert not threads._placement.on
        pinned, whole = _resting_pin_during_a_batch(threads)
        assert pinned == whole
    finally:
        threads.close()


def test_handlers_and_what_they_start_get_the_whole_cpu_set(apigw):
    whole = sorted(os.sched_getaffinity(0))
    function = Function("Cpus", handler=_cpus_seen, timeout=30)
    api = HttpApi("Placement")
    api.add_routes(path="/cpus", methods=["GET"], integration=LambdaProxyIntegration(handler=function))
    deployment = apigw.deploy(api)
    url = f"{deployment.url}/cpus"
    with httpx.Client(timeout=30) as client:  # one connection: each request waited for alone
        single = [client.get(url) for _ in range(4)]
        with concurrent.futures.ThreadPoolExecutor(6) as pool:  # several: hand-offs in batches
            batched = list(pool.map(lambda _: httpx.get(url, timeout=30), range(12)))
        last = client.get(url, params={"child": "1"})  # a resting thread, pinned, then woken
    for response in [*single, *batched, last]:
        assert response.status_code == 200, response.text
    seen = [response.json() for response in single + batched]
    assert seen == [{"cpus": whole, "thread": whole}] * len(seen)
    assert last.json() == {"cpus": whole, "thread": whole, "child": whole}
