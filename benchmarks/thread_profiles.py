"""One cProfile per server thread, for the ``profile_*.py`` scripts.

``threading.setprofile`` makes the first profile event of every thread started afterwards switch
that thread to a cProfile of its own (:meth:`ThreadProfiles.install`, before the backend starts its
threads); :meth:`ThreadProfiles.restart` drops what start-up and warm-up counted, and
:meth:`ThreadProfiles.stop` ends profiling and merges the threads' profiles into one ``pstats.Stats``.
"""

from __future__ import annotations

import cProfile
import pstats
import threading
import time


class ThreadProfiles:
    """The profiles of the threads started after :meth:`install` (``cpu_timer``: each thread's CPU
    clock, so time spent waiting for the GIL or a CPU is left out)."""

    def __init__(self, cpu_timer: bool = False) -> None:
        self.cpu_timer = cpu_timer
        #: ``(thread name, profile)`` per profiled thread.
        self.profiles: list[tuple[str, cProfile.Profile]] = []
        self._lock = threading.Lock()

    def _start(self, *_: object) -> None:
        """First profile event in a new thread: switch that thread to its own cProfile."""
        profile = cProfile.Profile(time.thread_time) if self.cpu_timer else cProfile.Profile()
        with self._lock:
            self.profiles.append((threading.current_thread().name, profile))
        profile.enable()

    def install(self) -> None:
        """Profile every thread started from now on."""
        threading.setprofile(self._start)

    def restart(self) -> None:
        """Start counting now: drop what start-up and warm-up counted."""
        for _, profile in self.profiles:
            profile.clear()

    def stop(self) -> pstats.Stats | None:
        """Stop profiling; the threads' profiles merged (None when no thread was profiled)."""
        threading.setprofile(None)  # type: ignore[arg-type]
        stats: pstats.Stats | None = None
        for _, profile in self.profiles:
            profile.disable()
            if stats is None:
                stats = pstats.Stats(profile)
            else:
                stats.add(profile)
        return stats

    def names(self) -> list[str]:
        """The profiled threads' names, sorted, each once."""
        return sorted({name for name, _ in self.profiles})
