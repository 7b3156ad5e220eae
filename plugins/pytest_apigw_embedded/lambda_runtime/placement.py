"""Where a handler thread wakes: on the CPU of the thread that hands it work (Linux).

The event loop hands invocations to a handler thread and waits for them. With a second CPU idle,
the kernel wakes the handler thread there: the event, the handler's objects and the answer then
cross between the two CPUs' caches on every hand-off, and both threads run cold (``perf``: the
same Python took twice the CPU). Measured on a 2-core machine (``benchmarks/profile_handoff.py``,
batches of 16 trivial invocations): 10-14 µs of CPU per invocation with the handler thread waking
where the kernel likes, 6.8-6.9 µs with it woken on the loop's CPU, 6.3 µs with the whole process
on one CPU, 5.6-6.2 µs with no thread at all; with the load from another process
(``bench_concurrency``), the Lambda proxy went from 0.35-0.37× to 0.43-0.45× of the floor on one
connection (not kept: see below), 0.09-0.10× to 0.14-0.15× on 4, 0.21× to 0.22-0.24× on 16
(``docs/performance.md``, "Where the handler thread wakes").

So, just before it hands over a batch (several connections open; with one request at a time and
the client in the same process, pinning cost more than it saved), the handing thread pins the
resting handler threads to its own CPU (:meth:`Placement.before_wake`); a handler thread lets go
of the pin as soon as it is woken (:meth:`Placement.woken`), so handlers always run with the
thread's whole CPU set: threads and processes they start inherit that set, and the kernel may
move them anywhere while they run. Only a sleeping thread is ever pinned. (Letting each handler
thread pin itself before it rests made the event loop's own wake-ups bounce between the CPUs:
measured, and dropped.)

Off where the C library has no ``sched_getcpu``, where threads cannot set their affinity, for a
thread that may use only one CPU, and with ``PYTEST_APIGW_CPU_PLACEMENT=0`` in the environment.
"""

from __future__ import annotations

import ctypes
import os
import threading
from collections.abc import Callable

#: ``0`` turns placement off (the kernel's choice for every wake-up).
ENV = "PYTEST_APIGW_CPU_PLACEMENT"


def _sched_getcpu() -> Callable[[], int] | None:
    if not hasattr(os, "sched_setaffinity"):
        return None
    try:
        # PyDLL: the call keeps the GIL (CDLL would let it go, and the loop could lose it to
        # another thread for a call of a fraction of a microsecond)
        getcpu: Callable[[], int] = ctypes.PyDLL(None).sched_getcpu
    except (OSError, AttributeError):
        return None
    return getcpu if getcpu() >= 0 else None


#: ``sched_getcpu()`` (about 0.15 µs through ctypes: a vDSO call, no system call), or None.
current_cpu = _sched_getcpu()


def enabled() -> bool:
    """Placement applies on this machine and the environment does not turn it off."""
    return current_cpu is not None and os.environ.get(ENV, "1") != "0"


class Seat:
    """One handler thread as placement sees it."""

    __slots__ = ("tid", "mask", "pinned")

    def __init__(self) -> None:
        #: The thread's id for the kernel.
        self.tid = threading.get_native_id()
        #: The CPUs the thread may use (its set when it started): what handlers run with.
        self.mask: frozenset[int] = frozenset(os.sched_getaffinity(0))
        #: The CPU the thread is pinned to while it rests, or -1.
        self.pinned = -1


class Placement:
    """The handler threads of one pool and where their next wake-up goes. Every method is
    called with the pool's lock held, so a thread is never pinned once it runs a handler."""

    def __init__(self) -> None:
        self.on = enabled()
        #: Threads waiting for work.
        self._resting: set[Seat] = set()
        #: Resting threads not pinned to :attr:`_cpu` (those woken since the last hand-off).
        self._unplaced: set[Seat] = set()
        self._cpu = -1

    def join(self) -> Seat | None:
        """The calling handler thread's seat, or None where placement is off or pointless
        (a thread allowed a single CPU)."""
        if not self.on:
            return None
        seat = Seat()
        return seat if len(seat.mask) > 1 else None

    def resting(self, seat: Seat) -> None:
        """``seat``'s thread has finished its work (unpinned since :meth:`woken`) and is about
        to wait for more: the next hand-off pins it."""
        self._resting.add(seat)
        self._unplaced.add(seat)

    def woken(self, seat: Seat) -> None:
        """``seat``'s thread took work: it runs unpinned from here on."""
        self.leave(seat)
        if seat.pinned >= 0:
            seat.pinned = -1
            try:  # noqa: SIM105 (per hand-off: ``contextlib.suppress`` costs 3 calls)
                os.sched_setaffinity(0, seat.mask)
            except OSError:  # its own set, unless a CPU was taken away meanwhile (cgroups)
                pass

    def leave(self, seat: Seat) -> None:
        """``seat``'s thread is no longer resting (it took work, or exits)."""
        self._resting.discard(seat)
        self._unplaced.discard(seat)

    def before_wake(self) -> None:
        """The calling thread is about to hand work over and wait for it: the resting threads
        are pinned to its CPU, so the one that takes the work wakes where its waker waits."""
        assert current_cpu is not None
        cpu = current_cpu()
        if cpu != self._cpu:  # this thread moved (rare): every resting thread follows
            self._cpu = cpu
            self._unplaced = set(self._resting)
        for seat in self._unplaced:
            if cpu in seat.mask:
                try:
                    os.sched_setaffinity(seat.tid, (cpu,))
                except OSError:  # the thread is gone, or the CPU was taken away (cgroups)
                    continue
                seat.pinned = cpu
        self._unplaced.clear()
