"""Profile the embedded gateway's Lambda-proxy request path with cProfile (every server thread).

    python benchmarks/profile_lambda_proxy.py [--requests N] [--top N] [--sort tottime|cumtime]

The event-loop thread and the Lambda pool threads each get their own ``cProfile.Profile`` (via
``threading.setprofile``, installed before the backend starts its threads); the client thread is
not profiled. The stats of all server threads are merged and printed, then per-request costs.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.apis import TARGET_PATH, make_api  # noqa: E402
from benchmarks.common import Client  # noqa: E402

PROFILES: list[tuple[str, cProfile.Profile]] = []
_lock = threading.Lock()


def _start_profile(*_: object) -> None:
    """First profile event in a new thread: switch that thread to its own cProfile."""
    profile = cProfile.Profile()
    with _lock:
        PROFILES.append((threading.current_thread().name, profile))
    profile.enable()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=5000)
    parser.add_argument("--top", type=int, default=35)
    parser.add_argument("--sort", default="tottime")
    parser.add_argument("--routes", type=int, default=50)
    args = parser.parse_args(argv)

    from pytest_apigw_embedded.backend import EmbeddedBackend

    threading.setprofile(_start_profile)
    backend = EmbeddedBackend()
    backend.start()
    try:
        deployment = backend.deploy(make_api(args.routes))
        client = Client(deployment.url.rstrip("/") + TARGET_PATH)
        for _ in range(200):
            client.get()
        for _, profile in PROFILES:  # start counting now: drop startup and warm-up
            profile.clear()
        start = time.perf_counter()
        for _ in range(args.requests):
            client.get()
        seconds = time.perf_counter() - start
        client.close()
        threading.setprofile(None)  # type: ignore[arg-type]
        stats: pstats.Stats | None = None
        names = []
        for name, profile in PROFILES:
            names.append(name)
            if stats is None:
                stats = pstats.Stats(profile)
            else:
                stats.add(profile)
    finally:
        backend.close()
    print(f"{args.requests} requests in {seconds:.2f} s under the profiler "
          f"({args.requests / seconds:,.0f} req/s); threads: {', '.join(sorted(set(names)))}")
    if stats is not None:
        stats.sort_stats(args.sort).print_stats(args.top)
        total = sum(v[2] for v in stats.stats.values())  # type: ignore[attr-defined]
        print(f"server-thread CPU under the profiler: {total / args.requests * 1e6:.0f} µs/request")


if __name__ == "__main__":
    main()
