"""A lean thread pool for in-process handlers: a queue, daemon workers, no per-call Future.

``concurrent.futures.ThreadPoolExecutor`` costs a Future, a work item and two locks per call;
on the request path that overhead shows, so jobs here are ``(fn, args, done)`` tuples and
``done(result)`` is called in the worker thread.
"""

from __future__ import annotations

import asyncio
import queue
import threading
from collections.abc import Callable
from typing import Any

_STOP = object()


class HandlerThreads:
    """Runs jobs on up to ``max_workers`` threads, started on demand and joined at close."""

    def __init__(self, max_workers: int = 64, name: str = "apigw-lambda") -> None:
        self._jobs: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._max = max_workers
        self._name = name
        self._threads: list[threading.Thread] = []
        self._idle = 0
        self._lock = threading.Lock()
        self._closed = False

    def submit(self, fn: Callable[..., Any], args: tuple[Any, ...], done: Callable[[Any], None]) -> None:
        """Run ``fn(*args)`` on a worker and pass its result to ``done`` (in that worker)."""
        with self._lock:
            if self._closed:
                raise RuntimeError("the handler thread pool is closed")
            if self._idle == 0 and len(self._threads) < self._max:
                thread = threading.Thread(
                    target=self._work, name=f"{self._name}-{len(self._threads)}", daemon=True
                )
                self._threads.append(thread)
                thread.start()
            else:
                self._idle -= 1
        self._jobs.put((fn, args, done))

    def _work(self) -> None:
        # On Lambda a handler runs in the runtime's main thread, where asyncio.get_event_loop()
        # gives a loop; Mangum (a common consumer of these events) relies on it, so each worker
        # thread gets its own.
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        while True:
            job = self._jobs.get()
            if job is _STOP:
                asyncio.set_event_loop(None)
                loop.close()
                return
            fn, args, done = job
            done(fn(*args))
            with self._lock:
                self._idle += 1

    def close(self, timeout: float = 2.0) -> list[threading.Thread]:
        """Stop the workers; returns those still busy after ``timeout`` (a hung handler)."""
        with self._lock:
            self._closed = True
            threads = list(self._threads)
        for _ in threads:
            self._jobs.put(_STOP)
        for thread in threads:
            thread.join(timeout / max(1, len(threads)))
        return [t for t in threads if t.is_alive()]
