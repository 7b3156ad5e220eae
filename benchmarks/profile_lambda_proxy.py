"""Profile the embedded gateway's Lambda-proxy request path with cProfile (every server thread).

    python benchmarks/profile_lambda_proxy.py [--requests N] [--top N] [--sort tottime|cumtime]
    python benchmarks/profile_lambda_proxy.py --no-profile --runs 9   # CPU and switches, no profiler

The event-loop thread and the Lambda pool threads each get their own ``cProfile.Profile`` (via
``threading.setprofile``, installed before the backend starts its threads); the client thread is
not profiled. The stats of all server threads are merged and printed, then per-request costs.

With ``--no-profile`` nothing is profiled: each run times ``--requests`` GETs through the gateway
and as many against the floor (``bench_floor.RawServer``, same client, alternating order) and
prints, per request, the CPU (each thread's CPU clock) and context switches (``/proc``) of the
gateway's loop thread, of its handler threads and of the floor's thread; then the medians.

With ``--ab VARIANT`` (and ``--no-profile``) the gateway is measured against itself in the same
process and on the same connection, in alternating runs (``b a a b b a ...``), so both sides see
the same load on a shared machine: CPU of the server threads and of the client thread and switches
per request, the medians of each side and of the per-pair differences. ``VARIANT`` is
``module:NAME=VALUE`` (a module attribute set to a Python literal for the ``b`` runs, e.g.
``pytest_apigw_embedded.lambda_runtime.inprocess:HANDOFF_WAIT=0.0005``) or ``inline``: handlers
called in the loop's thread, no hand-off at all (unsafe: a handler calling its own API would
deadlock; a measurement of what the thread hop costs, nothing more).
"""

from __future__ import annotations

import argparse
import ast
import importlib
import os
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.apis import TARGET_PATH, make_api  # noqa: E402
from benchmarks.common import Client, median, no_gc  # noqa: E402
from benchmarks.thread_profiles import ThreadProfiles  # noqa: E402

PROFILER = ThreadProfiles()


def _thread_usage(threads: list[threading.Thread]) -> tuple[float, int]:
    """CPU seconds (each thread's CPU clock) and context switches (``/proc``) of ``threads``."""
    cpu, switches = 0.0, 0
    for thread in threads:
        if thread.ident is None or not thread.is_alive():
            continue
        try:
            cpu += time.clock_gettime(time.pthread_getcpuclockid(thread.ident))
            with open(f"/proc/{os.getpid()}/task/{thread.native_id}/status") as status:
                for line in status:
                    if line.startswith(("voluntary_ctxt_switches:", "nonvoluntary_ctxt_switches:")):
                        switches += int(line.split()[1])
        except (OSError, ProcessLookupError):  # ended meanwhile
            continue
    return cpu, switches


def _others(known: list[threading.Thread]) -> list[threading.Thread]:
    """The live threads but this one and ``known``."""
    return [t for t in threading.enumerate() if t is not threading.current_thread() and t not in known]


def _timed(client: Client, requests: int, groups: list[list[threading.Thread]]) -> list[float]:
    """req/s, then CPU µs and switches per request of each group, for ``requests`` GETs."""
    before = [_thread_usage(threads) for threads in groups]
    start = time.perf_counter()
    with no_gc():
        for _ in range(requests):
            client.get()
    seconds = time.perf_counter() - start
    after = [_thread_usage(threads) for threads in groups]
    cpu = [(a[0] - b[0]) * 1e6 / requests for a, b in zip(after, before, strict=True)]
    switches = [(a[1] - b[1]) / requests for a, b in zip(after, before, strict=True)]
    return [requests / seconds, *cpu, *switches]


def measure(requests: int, runs: int, routes: int) -> None:
    """``--no-profile``: the gateway against the floor, alternating, per-thread usage."""
    from pytest_apigw_embedded.backend import EmbeddedBackend

    from benchmarks.bench_floor import RawServer

    floor = RawServer()
    floor_threads = _others([])
    backend = EmbeddedBackend()
    backend.start()
    try:
        deployment = backend.deploy(make_api(routes))
        gateway = Client(deployment.url.rstrip("/") + TARGET_PATH)
        bare = Client(floor.url)
        for _ in range(300):
            assert gateway.get()[0] == 200
            assert bare.get()[0] == 200
        loop_threads = [t for t in _others(floor_threads) if not t.name.startswith("apigw-lambda")]
        rows: list[tuple[list[float], list[float]]] = []
        for run in range(runs):
            handlers = [t for t in threading.enumerate() if t.name.startswith("apigw-lambda")]
            order = [0, 1] if run % 2 == 0 else [1, 0]
            measured: list[list[float]] = [[], []]
            for which in order:
                if which == 0:
                    measured[0] = _timed(gateway, requests, [loop_threads, handlers])
                else:
                    measured[1] = _timed(bare, requests, [floor_threads])
            g, f = measured
            rows.append((g, f))
            print(f"gateway {g[0]:,.0f} req/s, CPU µs/req loop {g[1]:.0f} + handlers {g[2]:.0f} = "
                  f"{g[1] + g[2]:.0f}, switches/req loop {g[3]:.2f} + handlers {g[4]:.2f} = {g[3] + g[4]:.2f}"
                  f" | floor {f[0]:,.0f} req/s, {f[1]:.0f} µs, {f[2]:.2f} cs | ratio {g[0] / f[0]:.2f}",
                  flush=True)
        gateway.close()
        bare.close()
    finally:
        backend.close()
        floor.close()
    if runs > 1:
        def med(i: int, side: int) -> float:
            return median([r[side][i] for r in rows])
        print(f"median of {runs}: gateway {med(0, 0):,.0f} req/s, CPU µs/req {med(1, 0) + med(2, 0):.0f} "
              f"(loop {med(1, 0):.0f}, handlers {med(2, 0):.0f}), switches/req {med(3, 0) + med(4, 0):.2f} "
              f"(loop {med(3, 0):.2f}, handlers {med(4, 0):.2f}) | floor {med(0, 1):,.0f} req/s, "
              f"{med(1, 1):.0f} µs, {med(2, 1):.2f} cs | ratio "
              f"{median([r[0][0] / r[1][0] for r in rows]):.2f}")


def _variant(spec: str) -> tuple[Callable[[], None], Callable[[], None]]:
    """``(apply, undo)`` of an ``--ab`` variant (see the module's docstring)."""
    if spec == "inline":
        from pytest_apigw_embedded.lambda_runtime import threads

        cls = threads.HandlerThreads
        saved = (cls.submit_job, cls.wait)

        def submit_inline(self: Any, job: Any) -> None:
            job.state = threads.RUNNING
            job.result = job.fn(*job.args)
            job.state = threads.FINISHED

        def wait_inline(self: Any, job: Any, timeout: float) -> bool:
            return bool(job.state == threads.FINISHED)

        def apply_inline() -> None:
            cls.submit_job, cls.wait = submit_inline, wait_inline  # type: ignore[method-assign]

        def undo_inline() -> None:
            cls.submit_job, cls.wait = saved  # type: ignore[method-assign]

        return apply_inline, undo_inline
    where, _, assignment = spec.partition(":")
    name, _, literal = assignment.partition("=")
    module = importlib.import_module(where)
    before, after = getattr(module, name), ast.literal_eval(literal)
    return (lambda: setattr(module, name, after)), (lambda: setattr(module, name, before))


def measure_ab(requests: int, runs: int, routes: int, spec: str) -> None:
    """``--ab``: the gateway as it is (``a``) against ``spec`` (``b``), alternating."""
    from pytest_apigw_embedded.backend import EmbeddedBackend

    apply, undo = _variant(spec)
    backend = EmbeddedBackend()
    backend.start()
    me = threading.current_thread()
    rows: dict[bool, list[list[float]]] = {True: [], False: []}
    try:
        deployment = backend.deploy(make_api(routes))
        gateway = Client(deployment.url.rstrip("/") + TARGET_PATH)
        for _ in range(300):
            assert gateway.get()[0] == 200
        for run in range(2 * runs):
            variant = run % 4 in (0, 3)  # b a a b b a ...: neither side always goes first
            (apply if variant else undo)()
            for _ in range(50):
                gateway.get()
            loop_threads = [t for t in _others([]) if not t.name.startswith("apigw-lambda")]
            handlers = [t for t in threading.enumerate() if t.name.startswith("apigw-lambda")]
            row = _timed(gateway, requests, [loop_threads, handlers, [me]])
            rows[variant].append(row)
            print(f"{'b' if variant else 'a'} {row[0]:,.0f} req/s; CPU µs/req loop {row[1]:.0f} handlers "
                  f"{row[2]:.0f} client {row[3]:.0f}; switches/req loop {row[4]:.2f} handlers {row[5]:.2f} "
                  f"client {row[6]:.2f}", flush=True)
        gateway.close()
    finally:
        undo()
        backend.close()
    for variant in (False, True):
        m = [median([r[i] for r in rows[variant]]) for i in range(7)]
        print(f"median {'b' if variant else 'a'}: {m[0]:,.0f} req/s; CPU µs/req server {m[1] + m[2]:.0f} "
              f"(loop {m[1]:.0f}, handlers {m[2]:.0f}), client {m[3]:.0f}; switches/req server "
              f"{m[4] + m[5]:.2f} (loop {m[4]:.2f}, handlers {m[5]:.2f}), client {m[6]:.2f}")
    pairs = list(zip(rows[True], rows[False], strict=True))
    cpu = median([b[1] + b[2] - a[1] - a[2] for b, a in pairs])
    client = median([b[3] - a[3] for b, a in pairs])
    switches = median([b[4] + b[5] - a[4] - a[5] for b, a in pairs])
    ratio = median([b[0] / a[0] for b, a in pairs])
    print(f"{spec}: per-pair medians, b - a: server CPU {cpu:+.0f} µs/req, client CPU {client:+.0f} µs/req, "
          f"server switches {switches:+.2f}/req; req/s b/a {ratio:.2f}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=5000)
    parser.add_argument("--top", type=int, default=35)
    parser.add_argument("--sort", default="tottime")
    parser.add_argument("--routes", type=int, default=50)
    parser.add_argument("--no-profile", action="store_true", help="CPU and switches per thread, no profiler")
    parser.add_argument("--runs", type=int, default=1, help="with --no-profile: alternating runs")
    parser.add_argument("--ab", metavar="VARIANT", help="with --no-profile: the gateway against itself "
                        "with VARIANT (module:NAME=VALUE, or inline), alternating")
    args = parser.parse_args(argv)
    if args.no_profile and args.ab:
        measure_ab(args.requests, args.runs, args.routes, args.ab)
        return
    if args.no_profile:
        measure(args.requests, args.runs, args.routes)
        return

    from pytest_apigw_embedded.backend import EmbeddedBackend

    PROFILER.install()
    backend = EmbeddedBackend()
    backend.start()
    try:
        deployment = backend.deploy(make_api(args.routes))
        client = Client(deployment.url.rstrip("/") + TARGET_PATH)
        for _ in range(200):
            client.get()
        PROFILER.restart()
        start = time.perf_counter()
        for _ in range(args.requests):
            client.get()
        seconds = time.perf_counter() - start
        client.close()
        stats = PROFILER.stop()
    finally:
        backend.close()
    print(f"{args.requests} requests in {seconds:.2f} s under the profiler "
          f"({args.requests / seconds:,.0f} req/s); threads: {', '.join(PROFILER.names())}")
    if stats is not None:
        stats.sort_stats(args.sort).print_stats(args.top)
        total = sum(v[2] for v in stats.stats.values())  # type: ignore[attr-defined]
        print(f"server-thread CPU under the profiler: {total / args.requests * 1e6:.0f} µs/request")


if __name__ == "__main__":
    main()
