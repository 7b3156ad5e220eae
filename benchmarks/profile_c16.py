"""Profile (or time) the Lambda proxy under 16 keep-alive connections loaded from another process.

    python benchmarks/profile_c16.py [--conns 16] [--seconds 3] [--top 40] [--sort tottime]
    python benchmarks/profile_c16.py --no-profile --runs 7    # server CPU µs/req, switches/req, req/s
    python benchmarks/profile_c16.py --no-profile --inline    # handlers called on the loop thread

With profiling, every server thread (the event loop's and the Lambda pool's) gets its own
``cProfile.Profile`` (``threading.setprofile``, installed before the backend starts); the stats
are merged, and call counts are printed per answered request. Without, each run loads the
``lambda_proxy`` deployment (50 routes, in-process handler) through ``bench_concurrency``'s load
client and prints req/s, server CPU and context switches per request; then the medians.

``--inline`` calls the handler in the event loop's thread (``profile_chain.call_inline``): no
hand-off to a handler thread at all, which the gateway never does (a handler calling its own API
would deadlock it). It bounds what any hand-off could reach: measured 2026-12-03, 39-54 µs/req
inline against 47-65 through the hand-off (``docs/performance.md``, "Without any hand-off").
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.apis import make_api  # noqa: E402
from benchmarks.bench_concurrency import LoadClient, _port  # noqa: E402
from benchmarks.common import median, server_usage  # noqa: E402
from benchmarks.profile_chain import call_inline  # noqa: E402
from benchmarks.thread_profiles import ThreadProfiles  # noqa: E402

PROFILER = ThreadProfiles()


class GcClock:
    """Garbage collections and the seconds they took (every thread), through ``gc.callbacks``."""

    def __init__(self) -> None:
        self.count = 0
        self.seconds = 0.0
        self._began = 0.0
        gc.callbacks.append(self._note)

    def _note(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._began = time.perf_counter()
        else:
            self.count += 1
            self.seconds += time.perf_counter() - self._began  # wall time: preemption counts too

    def close(self) -> None:
        gc.callbacks.remove(self._note)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--conns", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--top", type=int, default=45)
    parser.add_argument("--sort", default="tottime")
    parser.add_argument("--no-profile", action="store_true")
    parser.add_argument("--inline", action="store_true",
                        help="call handlers on the loop thread (a bound, not how the gateway runs)")
    args = parser.parse_args()
    if not args.no_profile:
        PROFILER.install()
    from pytest_apigw_embedded.backend import EmbeddedBackend, served

    backend = EmbeddedBackend()
    backend.start()
    client = LoadClient()
    try:
        deployment = backend.deploy(make_api(50))
        if args.inline:
            call_inline(served(deployment).app)
        port = _port(deployment.url)
        client.run(port, args.conns, 0.5, 0.2)  # warm
        if args.no_profile:
            rows = []
            for _ in range(args.runs):
                clock = GcClock()
                before = server_usage(exclude=[client.proc.pid])
                result = client.run(port, args.conns, args.seconds, 0.2)
                used = server_usage(exclude=[client.proc.pid]) - before
                clock.close()
                n = max(result["total"], 1)
                row = (result["requests"] / result["seconds"], used.cpu / n * 1e6, used.switches / n)
                rows.append(row)
                print(f"{row[0]:,.0f} req/s, CPU {row[1]:.1f} µs/req, {row[2]:.2f} switches/req; "
                      f"{clock.count / n:.3f} collections/req, {clock.seconds / n * 1e6:.1f} µs/req in gc",
                      flush=True)
            print(f"median of {len(rows)}: {median([r[0] for r in rows]):,.0f} req/s, "
                  f"CPU {median([r[1] for r in rows]):.1f} µs/req, "
                  f"{median([r[2] for r in rows]):.2f} switches/req")
            return
        PROFILER.restart()
        result = client.run(port, args.conns, args.seconds, 0.0)
        stats = PROFILER.stop()
    finally:
        client.close()
        backend.close()
    n = max(result["total"], 1)
    assert stats is not None
    print(f"{n} requests; calls per request (ncalls / {n}) in the 'ncalls' column's ratio below")
    stats.sort_stats(args.sort).print_stats(args.top)
    total_calls = sum(v[1] for v in stats.stats.values())  # type: ignore[attr-defined]
    print(f"function calls per request (server threads): {total_calls / n:.1f}")


if __name__ == "__main__":
    main()
