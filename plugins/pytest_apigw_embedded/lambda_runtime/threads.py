"""A lean thread pool for in-process handlers: a queue, daemon workers, no per-call Future.

``concurrent.futures.ThreadPoolExecutor`` costs a Future, a work item and two locks per call;
on the request path that overhead shows, so jobs here are small :class:`Job` objects and
``done(result)`` is called in the worker thread. A caller may also wait a moment for a job in
its own thread (:meth:`HandlerThreads.wait`: no event-loop wake-up) and register ``done`` only
when the job takes longer (:meth:`HandlerThreads.then`).

The wake-ups go through pipes, not locks: ``os.write`` lets go of the GIL *before* the system
call that wakes the other thread, which can then run at once. A lock released while holding the
GIL wakes a thread that finds the GIL taken and sleeps again: measured on 2 cores, a round trip
through a lock costs 5.3 context switches and 25 µs, through pipes 2 and 10-12 µs.

Lambda's model, as far as threads allow: an invocation the gateway has already answered
(timed out, or waited too long in the queue) is *abandoned*. A queued job that is abandoned never
runs; a running one cannot be stopped (Python threads cannot be killed), so its thread is
*written off*: it no longer counts towards ``max_workers``, a replacement is started when work is
waiting, and the written-off thread exits as soon as its handler returns. Capacity never shrinks.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import select
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from typing import Any

from pytest_apigw_embedded.lambda_runtime.placement import Placement, Seat

_STOP = object()
QUEUED, RUNNING, FINISHED, ABANDONED = range(4)
#: Longest sleep of a waiter between looks at its job: two threads waiting at once share the
#: pipe of notices, and one may read (and so take) the byte meant for the other; it then finds
#: its job finished at the next look instead of sleeping out its whole timeout.
NOTICE_SLICE = 0.01


class Job:
    """One submitted call; :meth:`HandlerThreads.abandon` takes it back."""

    __slots__ = ("fn", "args", "done", "state", "thread", "result", "started")

    def __init__(self, fn: Callable[..., Any], args: tuple[Any, ...],
                 done: Callable[[Any], None] | None) -> None:
        self.fn = fn
        self.args = args
        self.done = done
        self.state = QUEUED
        self.thread: threading.Thread | None = None
        #: What ``fn`` returned, once ``state`` is FINISHED.
        self.result: Any = None
        #: ``time.monotonic()`` when a worker began it (0.0 while queued).
        self.started = 0.0


class PipeQueue:
    """A FIFO whose ``get`` sleeps in ``os.read`` on a pipe, one byte per item (Linux wakes one
    reader per write): ``put`` wakes a waiting thread without holding the GIL."""

    def __init__(self) -> None:
        self._items: deque[Any] = deque()
        self._read, self._write = os.pipe()

    def put(self, item: Any) -> None:
        self._items.append(item)
        os.write(self._write, b"\0")

    def get(self) -> Any:
        os.read(self._read, 1)
        return self._items.popleft()

    def close(self) -> None:
        """Close the pipe (only once no thread can read it any more)."""
        os.close(self._read)
        os.close(self._write)


class HandlerThreads:
    """Runs jobs on up to ``max_workers`` healthy threads, started on demand, joined at close."""

    def __init__(self, max_workers: int = 64, name: str = "apigw-lambda") -> None:
        self._jobs = PipeQueue()
        #: A byte per job finished without a ``done`` callback: what :meth:`wait` polls.
        self._finished_read, self._finished_write = os.pipe()
        os.set_blocking(self._finished_read, False)
        os.set_blocking(self._finished_write, False)  # a full pipe already tells a waiter to look
        self._max = max_workers
        self._name = name
        self._healthy: set[threading.Thread] = set()
        self._written_off: set[threading.Thread] = set()
        self._started = 0
        #: Idle threads minus jobs waiting in the queue (negative: a backlog).
        self._idle = 0
        self._lock = threading.Lock()
        self._closed = False
        #: The poller of :meth:`submit_wait` (on ``_finished_read``), made once; ``None`` while
        #: a caller uses it (another caller at that moment makes its own).
        self._poller: Any = None
        #: Where a resting thread wakes (``placement.py``): on the CPU of a batch's caller.
        self._placement = Placement()

    def _spawn(self) -> None:  # under the lock
        thread = threading.Thread(target=self._work, name=f"{self._name}-{self._started}", daemon=True)
        self._started += 1
        self._healthy.add(thread)
        thread.start()

    def submit(self, fn: Callable[..., Any], args: tuple[Any, ...],
               done: Callable[[Any], None] | None = None) -> Job:
        """Run ``fn(*args)`` on a worker and pass its result to ``done`` (in that worker), unless
        the job is abandoned first. Without ``done``, :meth:`wait` and :meth:`then` follow it."""
        job = Job(fn, args, done)
        self.submit_job(job)
        return job

    def submit_job(self, job: Job) -> None:
        """:meth:`submit` for a :class:`Job` made by the caller."""
        with self._lock:
            if self._closed:
                raise RuntimeError("the handler thread pool is closed")
            self._claim_worker()
        self._jobs.put(job)

    def submit_wait(self, job: Job, timeout: float) -> bool:
        """:meth:`submit_job` then :meth:`wait` (for one caller thread, as ``wait``), in one
        call and with the pool's own poller instead of a new one per call."""
        with self._lock:
            if self._closed:
                raise RuntimeError("the handler thread pool is closed")
            self._claim_worker()
            poller, self._poller = self._poller, None
        self._jobs.put(job)
        if poller is None:  # the first call, or another thread is waiting with it right now
            poller = select.poll()
            poller.register(self._finished_read, select.POLLIN)
        try:
            return self._wait(poller, job, timeout)
        finally:
            self._poller = poller

    def submit_batch(self, jobs: Sequence[Job]) -> None:
        """Hand ``jobs`` (made with :class:`Job`, ``done`` None) to one worker, to run in order
        with a single wake-up each way: the worker notes the whole batch finished once, after
        the last. :meth:`wait_all` waits for them; :meth:`requeue` hands a job still queued
        behind a slow one to another thread."""
        with self._lock:
            if self._closed:
                raise RuntimeError("the handler thread pool is closed")
            self._claim_worker()
            if self._placement.on:
                # Batches only (several connections): with one request at a time and the client
                # in this process, pinning cost more CPU than it saved (docs/performance.md).
                self._placement.before_wake()
        self._jobs.put(jobs if jobs.__class__ is list else list(jobs))

    def requeue(self, job: Job) -> None:
        """Queue ``job`` (still queued in a batch) on its own too: whichever thread reaches it
        first runs it, the other passes it by."""
        with self._lock:
            if job.state != QUEUED or self._closed:
                return
            self._claim_worker()
        self._jobs.put(job)

    def _claim_worker(self) -> None:
        """Count one idle worker as taken by the item about to be queued, or start one more
        (up to ``max_workers``) when none is idle. Called with ``_lock`` held."""
        if self._idle <= 0 and len(self._healthy) < self._max:
            self._spawn()
        else:
            self._idle -= 1

    def wait_all(self, jobs: Sequence[Job], timeout: float) -> bool:
        """Block this thread up to ``timeout`` seconds for every job of ``jobs`` to finish (or
        be abandoned); True when they have (as :meth:`wait`, for one caller thread)."""
        end = 0.0
        poller = None
        for job in jobs:
            while job.state < FINISHED:  # QUEUED or RUNNING
                if poller is None:
                    poller = select.poll()
                    poller.register(self._finished_read, select.POLLIN)
                    end = time.monotonic() + timeout
                left = end - time.monotonic()
                if left <= 0:
                    return False
                self._look(poller, left)
        return True

    def wait(self, job: Job, timeout: float) -> bool:
        """Block this thread up to ``timeout`` seconds for ``job`` to finish; True when it has
        (its result is ``job.result``). Meant for one thread (the event loop's); others waiting
        at the same time may take each other's notices: each looks again every :data:`NOTICE_SLICE`."""
        if job.state == FINISHED:
            return True
        poller = select.poll()
        poller.register(self._finished_read, select.POLLIN)
        return self._wait(poller, job, timeout)

    def _wait(self, poller: Any, job: Job, timeout: float) -> bool:
        """:meth:`wait` with ``poller`` (registered on ``_finished_read``)."""
        end = time.monotonic() + timeout
        left = timeout
        while job.state != FINISHED:
            if left <= 0:
                return False
            if self._look(poller, left) and job.state == FINISHED:  # the usual: no second look at the clock
                return True
            left = end - time.monotonic()
        return True

    def _look(self, poller: Any, left: float) -> bool:
        """Sleep until a finish notice comes, for at most ``left`` seconds and
        :data:`NOTICE_SLICE`; take the notices (this job's and earlier ones'). True when one came."""
        if not poller.poll((left if left < NOTICE_SLICE else NOTICE_SLICE) * 1000):
            return False
        try:  # noqa: SIM105 (per request: ``contextlib.suppress`` costs 3 calls)
            os.read(self._finished_read, 4096)
        except BlockingIOError:
            pass
        return True

    def then(self, job: Job, done: Callable[[Any], None]) -> bool:
        """Have ``done(result)`` called (in the worker) when ``job`` finishes; False, and
        nothing registered, when it has finished already (read ``job.result``)."""
        with self._lock:
            if job.state == FINISHED:
                return False
            job.done = done
            return True

    def abandon(self, job: Job) -> None:
        """The caller no longer wants ``job``'s result: a queued job never runs; a running job's
        thread is written off and replaced when work is waiting."""
        with self._lock:
            if job.state == QUEUED:
                job.state = ABANDONED
            elif job.state == RUNNING:
                job.state = ABANDONED
                if job.thread is not None and job.thread in self._healthy:
                    self._healthy.discard(job.thread)
                    self._written_off.add(job.thread)
                    if self._idle < 0 and not self._closed:
                        self._spawn()  # takes one waiting job at once
                        self._idle += 1

    def _work(self) -> None:
        # On Lambda a handler runs in the runtime's main thread, where asyncio.get_event_loop()
        # gives a loop; Mangum (a common consumer of these events) relies on it, so each worker
        # thread gets its own.
        me = threading.current_thread()
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        seat = self._placement.join()
        try:
            while True:
                item = self._jobs.get()
                if item is _STOP:
                    return
                if item.__class__ is list:
                    if not self._run_batch(item, me, seat):
                        return
                    item = None  # an idle thread holds no batch (its calls, results, futures)
                    continue
                job, item = item, None
                with self._lock:
                    if seat is not None:
                        self._placement.woken(seat)
                    if job.state != QUEUED:  # answered while queued, or run from its batch
                        self._rest(seat)
                        job = None
                        continue
                    job.state, job.thread = RUNNING, me
                job.started = time.monotonic()
                result = job.fn(*job.args)
                with self._lock:
                    if job.state == ABANDONED:  # written off meanwhile: a replacement exists
                        self._written_off.discard(me)
                        return
                    job.result = result  # before the state: wait() reads the state unlocked
                    job.state, done = FINISHED, job.done
                    job.fn = job.args = job.thread = None
                    if done is None:  # idle already: waking the waiting caller is the last step
                        self._rest(seat)  # before the next get() (no lock taken in between)
                if done is None:
                    job = result = None  # an idle thread holds no handler, event or result
                    self._notify()
                    continue
                with contextlib.suppress(RuntimeError):  # the event loop that wanted it is gone
                    done(result)
                job = result = done = None
                with self._lock:
                    self._rest(seat)
        finally:
            if seat is not None:
                with self._lock:
                    self._placement.leave(seat)
            asyncio.set_event_loop(None)
            loop.close()

    def _rest(self, seat: Seat | None) -> None:
        """This worker is idle again (called with the lock held, before its next ``get()``)."""
        self._idle += 1
        if seat is not None:
            self._placement.resting(seat)

    def _notify(self) -> None:
        try:  # noqa: SIM105 (per request: ``contextlib.suppress`` costs 3 calls)
            os.write(self._finished_write, b"\0")
        except BlockingIOError:  # a full pipe already tells the waiter to look
            pass

    def _run_batch(self, jobs: list[Any], me: threading.Thread, seat: Seat | None) -> bool:
        """Run the jobs of a batch still queued, in order; False when this thread was written
        off (one of them was abandoned while it ran). One lock round per job: a job's end and
        the next one's claim are noted together, and the last one's end with the idle count."""
        notify = False
        lock = self._lock
        i, n = 0, len(jobs)
        lock.acquire()
        try:
            if seat is not None:
                self._placement.woken(seat)
            while True:
                while i < n and jobs[i].state != QUEUED:  # abandoned, or taken by another thread
                    i += 1
                if i == n:
                    self._rest(seat)
                    break
                job = jobs[i]
                i += 1
                job.state, job.thread = RUNNING, me
                lock.release()
                job.started = time.monotonic()
                try:
                    result = job.fn(*job.args)
                finally:
                    lock.acquire()
                if job.state == ABANDONED:
                    self._written_off.discard(me)
                    return False
                job.result = result  # before the state: wait_all() reads the state unlocked
                job.state, done = FINISHED, job.done
                job.fn = job.args = job.thread = None
                result = None
                if done is None:
                    notify = True
                    continue
                lock.release()
                try:
                    with contextlib.suppress(RuntimeError):  # the event loop that wanted it is gone
                        done(job.result)
                finally:
                    done = None
                    lock.acquire()
        finally:
            lock.release()
        if notify:
            self._notify()
        return True

    def stats(self) -> dict[str, int]:
        """``healthy`` (counted towards ``max_workers``), ``written_off`` (still running an
        abandoned handler) and ``started`` threads, for tests and reports."""
        with self._lock:
            return {"healthy": len(self._healthy), "written_off": len(self._written_off),
                    "started": self._started}

    def close(self, timeout: float = 2.0) -> list[threading.Thread]:
        """Stop the workers; returns those still busy after ``timeout`` (a hung handler)."""
        with self._lock:
            if self._closed:
                return []
            self._closed = True
            threads = list(self._healthy)
            self._healthy.clear()
        for _ in threads:
            self._jobs.put(_STOP)
        for thread in threads:
            thread.join(timeout / max(1, len(threads)))
        busy = [t for t in threads if t.is_alive()]
        if not busy:  # no thread can touch the pipes any more (written-off ones never do)
            self._jobs.close()
            os.close(self._finished_read)
            os.close(self._finished_write)
        return busy
