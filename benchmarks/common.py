"""Shared pieces of the benchmark harness: the row registry, timing, usage, the client loop.

A *bench* is a function registered with :func:`bench`; it takes a :class:`Settings` and returns
one :class:`Result` or a list of them (one row each). ``run.py`` imports every ``bench_*.py``
module in this folder, so adding a row is adding a module (or a function) with ``@bench``.
"""

from __future__ import annotations

import contextlib
import gc
import http.client
import os
import resource
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
LOOPBACK = "127.0.0.1"


# --------------------------------------------------------------------------- results and registry


@dataclass
class Settings:
    """What every bench gets: how hard to try."""

    quick: bool = False
    #: Timed requests per throughput row (``--requests``); ``None``: the bench's own default.
    requests: int | None = None
    #: Wall-clock cap of one timed loop (seconds); loops stop at the count or the cap.
    time_limit: float = 6.0
    #: Untimed requests before measuring.
    warmup: int = 300
    #: Leave out rows that need MiniStack (tests).
    skip_external: bool = False
    #: Rounds / sessions / functions per sample-based row (``--samples``); ``None``: the row's own.
    samples: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def count(self, full: int, quick: int) -> int:
        """Requests for a row: ``--requests`` if given, else the row's full or quick default."""
        if self.requests is not None:
            return self.requests
        return quick if self.quick else full

    def repeats(self, full: int, quick: int) -> int:
        """Samples for a row: ``--samples`` if given, else the row's full or quick default."""
        if self.samples is not None:
            return max(1, self.samples)
        return quick if self.quick else full


@dataclass
class Result:
    """One table row.

    ``vs`` names another row: the ratio column is ``value / vs`` (``inverse``: ``vs / value``,
    for "the gateway is N× this"). ``target`` is ``(op, bound)`` with op ``>=`` or ``<=`` on the
    ratio; ``limit`` is the same on the value itself (e.g. ``("<=", 20)`` ms).
    """

    name: str
    value: float
    unit: str
    vs: str | None = None
    inverse: bool = False
    target: tuple[str, float] | None = None
    limit: tuple[str, float] | None = None
    note: str = ""
    error: str | None = None
    bench: str = ""
    #: A ratio measured directly (e.g. :func:`interleaved` rounds); shown instead of value / vs.
    paired_ratio: float | None = None
    #: Server-side CPU microseconds and context switches per request (see :func:`server_usage`).
    cpu_us: float | None = None
    switches: float | None = None
    #: ``(lowest, highest)`` per-round value: the spread around the (median) value.
    spread: tuple[float, float] | None = None


@dataclass
class Bench:
    """A registered row function."""

    name: str
    func: Callable[[Settings], Result | Sequence[Result]]
    order: int = 100
    external: bool = False  # needs a server outside this process (MiniStack, ...)
    module: str = ""


REGISTRY: dict[str, Bench] = {}


def bench(
    name: str, *, order: int = 100, external: bool = False
) -> Callable[[Callable[[Settings], Any]], Callable[[Settings], Any]]:
    """Register ``func(settings) -> Result | list[Result]`` as bench ``name``.

    ``order`` sorts the table (floor 0, gateway rows 10-49, peers 50-79, deploy 80, routing 90);
    ``external=True`` marks rows that start outside servers (left out by ``skip_external``).
    """

    def register(func: Callable[[Settings], Any]) -> Callable[[Settings], Any]:
        REGISTRY[name] = Bench(name, func, order, external, getattr(func, "__module__", ""))
        return func

    return register


def failed(name: str, reason: str, bench_name: str = "") -> Result:
    """A row that could not be measured, with the reason."""
    return Result(name, float("nan"), "", error=reason, bench=bench_name or name)


# --------------------------------------------------------------------------------------- timing


def clock() -> float:
    return time.perf_counter()


@contextlib.contextmanager
def no_gc() -> Iterator[None]:
    """Collect first, then keep the collector out of a timed region."""
    gc.collect()
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def median(values: Sequence[float]) -> float:
    ordered = sorted(values)
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def time_calls(func: Callable[[], Any], *, repeat: int, min_time: float = 0.0) -> list[float]:
    """Seconds per call of ``func``, ``repeat`` times (and at least ``min_time`` total)."""
    samples: list[float] = []
    total_start = clock()
    for i in range(repeat * 100):
        start = clock()
        func()
        samples.append(clock() - start)
        if i + 1 >= repeat and clock() - total_start >= min_time:
            break
    return samples


def per_call(func: Callable[[], Any], *, inner: int, rounds: int = 5) -> float:
    """Best-of-``rounds`` seconds per call over ``inner`` calls (microbenchmarks)."""
    best = float("inf")
    with no_gc():
        for _ in range(rounds):
            start = clock()
            for _ in range(inner):
                func()
            best = min(best, (clock() - start) / inner)
    return best


# ------------------------------------------------------------------------ server-side usage


@dataclass
class Usage:
    """CPU seconds and context switches (voluntary + involuntary) of the server side."""

    cpu: float = 0.0
    switches: int = 0

    def __sub__(self, other: Usage) -> Usage:
        return Usage(self.cpu - other.cpu, self.switches - other.switches)

    def __add__(self, other: Usage) -> Usage:
        return Usage(self.cpu + other.cpu, self.switches + other.switches)


_TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _process_usage(pid: int, tids: Sequence[int] | None = None) -> Usage:
    """Every thread of process ``pid`` (or only ``tids``; ``/proc``; zero when gone)."""
    usage = Usage()
    try:
        tasks = os.listdir(f"/proc/{pid}/task") if tids is None else [str(t) for t in tids]
    except OSError:
        return usage
    for tid in tasks:
        with contextlib.suppress(OSError, ValueError, IndexError):
            with open(f"/proc/{pid}/task/{tid}/stat") as stat:
                fields = stat.read().rpartition(")")[2].split()
            usage.cpu += (int(fields[11]) + int(fields[12])) / _TICK
            with open(f"/proc/{pid}/task/{tid}/status") as status:
                for line in status:
                    if line.startswith(("voluntary_ctxt_switches:", "nonvoluntary_ctxt_switches:")):
                        usage.switches += int(line.split()[1])
    return usage


def descendants(pid: int | None = None) -> set[int]:
    """Every live process below ``pid`` (this one by default): worker processes, Node.js
    instances, servers started by a bench (``/proc``; empty where there is none)."""
    root = os.getpid() if pid is None else pid
    parents: dict[int, int] = {}
    try:
        entries = os.listdir("/proc")
    except OSError:
        return set()
    for entry in entries:
        if entry.isdigit():
            with contextlib.suppress(OSError, IndexError, ValueError):
                with open(f"/proc/{entry}/stat") as stat:
                    fields = stat.read().rpartition(")")[2].split()
                if fields[0] != "Z":
                    parents[int(entry)] = int(fields[1])
    found: set[int] = set()
    frontier = {root}
    while frontier:
        frontier = {p for p, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def server_usage(
    pids: Sequence[int] = (), *, exclude: Sequence[int] = (), client_threads: Sequence[int] = (),
) -> Usage:
    """The server side's usage so far: this process minus the calling (client) thread and the
    client's own helper threads (``client_threads``, native ids), plus every process below it
    (worker processes, Node.js instances, a MiniStack subprocess) but those in ``exclude`` (a load
    generator), plus ``pids``. Deltas around a timed loop, divided by its requests, give CPU and
    context switches per request."""
    whole = resource.getrusage(resource.RUSAGE_SELF)
    client = resource.getrusage(resource.RUSAGE_THREAD)
    usage = Usage(
        whole.ru_utime + whole.ru_stime - client.ru_utime - client.ru_stime,
        whole.ru_nvcsw + whole.ru_nivcsw - client.ru_nvcsw - client.ru_nivcsw,
    )
    if client_threads:
        usage = usage - _process_usage(os.getpid(), client_threads)
    skip = set(exclude)
    others = (descendants() - skip) | set(pids)
    for pid in sorted(others):
        usage = usage + _process_usage(pid)
    return usage


# ----------------------------------------------------------------------------------- the client


class Client:
    """The one client every throughput row uses: ``http.client.HTTPConnection``, keep-alive.

    ``http.client`` was measured against ``httpx.Client`` (see README): it costs the client
    process a fraction of httpx's time per request, so the floor is higher and the gateway's
    ratio says more about the gateway. One connection, requests one after another.
    """

    def __init__(self, url: str, timeout: float = 30.0) -> None:
        from urllib.parse import urlsplit

        parts = urlsplit(url)
        self.host = parts.hostname or LOOPBACK
        self.port = parts.port or 80
        self.path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        self.conn = http.client.HTTPConnection(self.host, self.port, timeout=timeout)
        self.headers = {"Host": f"{self.host}:{self.port}", "Accept": "*/*"}

    def get(self, path: str | None = None) -> tuple[int, bytes]:
        """GET ``path`` (the URL's by default); once more on a new connection when the server
        had closed the idle keep-alive one (an upstream's idle timeout while other rows ran)."""
        try:
            self.conn.request("GET", path or self.path, headers=self.headers)
            response = self.conn.getresponse()
        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
            self.conn.close()
            self.conn.request("GET", path or self.path, headers=self.headers)
            response = self.conn.getresponse()
        body = response.read()
        if response.will_close:  # the server closed keep-alive: reconnect next time
            self.conn.close()
        return response.status, body

    def close(self) -> None:
        self.conn.close()


@dataclass
class Throughput:
    requests: int
    seconds: float
    statuses: dict[int, int]
    #: Server-side usage over the timed requests.
    usage: Usage = field(default_factory=Usage)
    #: Requests/s of each round (one entry for a single loop).
    rounds: list[float] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds > 0 else 0.0

    @property
    def median_rate(self) -> float:
        """The median per-round rate (the overall rate without rounds)."""
        return median(self.rounds) if self.rounds else self.rate


def run_client(
    url: str, *, requests: int, warmup: int = 300, time_limit: float = 6.0,
    expect: int = 200, check: Callable[[bytes], bool] | None = None, server_pids: Sequence[int] = (),
) -> Throughput:
    """GET ``url`` ``requests`` times on one keep-alive connection (stopping at ``time_limit``).

    Warm-up requests run first, untimed; every answer must have status ``expect`` (and pass
    ``check`` on the warm-up's first body), else ``RuntimeError`` says what came back.
    """
    client = Client(url)
    try:
        deadline = clock() + max(time_limit, 1.0)
        for i in range(max(warmup, 1)):
            status, body = client.get()
            if status != expect or (i == 0 and check is not None and not check(body)):
                raise RuntimeError(f"GET {url} answered {status}: {body[:200]!r}")
            if clock() > deadline:
                break
        statuses: dict[int, int] = {}
        get = client.get
        done = 0
        with no_gc():
            before = server_usage(server_pids)
            start = clock()
            deadline = start + time_limit
            while done < requests:
                status, _ = get()
                statuses[status] = statuses.get(status, 0) + 1
                done += 1
                if not done & 63 and clock() > deadline:
                    break
            seconds = clock() - start
            used = server_usage(server_pids) - before
        if statuses.get(expect, 0) != done:
            raise RuntimeError(f"GET {url}: unexpected statuses {statuses}")
        return Throughput(done, seconds, statuses, used, [done / seconds] if seconds > 0 else [])
    finally:
        client.close()


def interleaved(
    urls: dict[str, str], *, requests: int, rounds: int = 10, warmup: int = 300, time_limit: float = 6.0,
    checks: dict[str, Callable[[bytes], bool]] | None = None,
) -> tuple[dict[str, Throughput], list[dict[str, float]]]:
    """Measure several URLs in alternating chunks on their own keep-alive connections.

    Each round times ``requests // rounds`` GETs against every URL (the order flips each round),
    so load changes on the machine hit all of them alike: a ratio taken per round (see
    :func:`paired`) is far steadier than one between rows measured seconds apart.
    Returns the totals per name and the per-round rates.
    """
    clients = {name: Client(url) for name, url in urls.items()}
    checks = checks or {}
    try:
        for name, client in clients.items():
            for i in range(max(warmup, 1)):
                status, body = client.get()
                check = checks.get(name)
                if status != 200 or (i == 0 and check is not None and not check(body)):
                    raise RuntimeError(f"GET {urls[name]} answered {status}: {body[:200]!r}")
        chunk = max(1, requests // max(rounds, 1))
        totals = {name: Throughput(0, 0.0, {}) for name in clients}
        per_round: list[dict[str, float]] = []
        names = list(clients)
        overall = clock()
        with no_gc():
            for r in range(max(rounds, 1)):
                rates: dict[str, float] = {}
                for name in names if r % 2 == 0 else reversed(names):
                    get = clients[name].get
                    before = server_usage()
                    start = clock()
                    for _ in range(chunk):
                        if get()[0] != 200:
                            raise RuntimeError(f"GET {urls[name]}: non-200 while timing")
                    seconds = clock() - start
                    total = totals[name]
                    total.usage = total.usage + (server_usage() - before)
                    total.requests += chunk
                    total.seconds += seconds
                    total.statuses[200] = total.requests
                    rates[name] = chunk / seconds
                    total.rounds.append(rates[name])
                per_round.append(rates)
                if clock() - overall > time_limit:
                    break
        return totals, per_round
    finally:
        for client in clients.values():
            client.close()


def paired(per_round: list[dict[str, float]], num: str, den: str) -> float:
    """The median over rounds of ``rate[num] / rate[den]``."""
    return median([r[num] / r[den] for r in per_round if r.get(den)])


def ratio_range(per_round: list[dict[str, float]], num: str, den: str) -> tuple[float, float]:
    """Lowest and highest per-round ``rate[num] / rate[den]``."""
    ratios = [r[num] / r[den] for r in per_round if r.get(den)]
    return min(ratios), max(ratios)


def rate_row(name: str, result: Throughput, **kwargs: Any) -> Result:
    """A requests/s row: the median per-round rate, its spread, server CPU and context switches
    per request, noting how many requests were timed."""
    note = kwargs.pop("note", "")
    rounds = f" in {len(result.rounds)} rounds" if len(result.rounds) > 1 else ""
    note = f"{result.requests} req{rounds}, {result.seconds:.2f} s" + (f"; {note}" if note else "")
    per = max(result.requests, 1)
    return Result(
        name, result.median_rate, "req/s", note=note,
        cpu_us=result.usage.cpu / per * 1e6, switches=result.usage.switches / per,
        spread=(min(result.rounds), max(result.rounds)) if len(result.rounds) > 1 else None, **kwargs,
    )
