"""Profile the embedded gateway's HTTP proxy / ALB path, and measure CPU per request per thread.

    python benchmarks/profile_http_proxy.py [--route proxy|alb|cloud_map|relay|chain|direct]
                                            [--requests N] [--top N] [--sort tottime|cumtime]
                                            [--no-profile] [--runs N] [--cpu]

The upstream is ``bench_http_proxy``'s (uvicorn, fixed JSON, its own uvloop thread), started
before the profiler is installed so only the gateway's threads are profiled; the client
(``benchmarks.common.Client``, this thread) is not profiled either. With ``--no-profile`` nothing
is profiled: each run prints the CPU µs per request of the gateway, upstream and client threads
(their CPU clocks) and their context switches per request (``/proc``), then the medians over
``--runs`` runs: the figures to compare on a busy machine (req/s is not). ``--route relay``
measures the byte relay (``relay.py``) in the gateway's place: its thread's figures are the floor
of the gateway thread's (the "gateway" column is the relay's thread then). ``--route chain`` is
the ``alb`` route with its integration answering at once (the upstream's body, no upstream call):
the gateway's own chain, what the proxied routes cost besides the hop. Each run also prints the
gateway threads' user and system CPU apart (``/proc``, clock ticks: read it over 3000 requests or
more).
"""

from __future__ import annotations

import argparse
import os
import pstats
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.bench_floor import BODY, UvicornServer  # noqa: E402
from benchmarks.bench_http_proxy import _api  # noqa: E402
from benchmarks.common import Client, median, no_gc  # noqa: E402
from benchmarks.relay import ByteRelay  # noqa: E402
from benchmarks.thread_profiles import ThreadProfiles  # noqa: E402

PROFILER = ThreadProfiles()


def _thread_usage(threads: list[threading.Thread]) -> tuple[float, int]:
    """CPU seconds (each thread's CPU clock) and context switches (``/proc``) of ``threads``."""
    cpu, switches = 0.0, 0
    for thread in threads:
        assert thread.ident is not None
        cpu += time.clock_gettime(time.pthread_getcpuclockid(thread.ident))
        with open(f"/proc/{os.getpid()}/task/{thread.native_id}/status") as status:
            for line in status:
                if line.startswith(("voluntary_ctxt_switches:", "nonvoluntary_ctxt_switches:")):
                    switches += int(line.split()[1])
    return cpu, switches


def _user_sys(threads: list[threading.Thread]) -> tuple[float, float]:
    """User and system CPU seconds of ``threads`` (``/proc``, in clock ticks)."""
    user = system = 0
    for thread in threads:
        with open(f"/proc/{os.getpid()}/task/{thread.native_id}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        user, system = user + int(fields[11]), system + int(fields[12])
    hz = os.sysconf("SC_CLK_TCK")
    return user / hz, system / hz


def _answer_at_once() -> None:
    """``--route chain``: ALB integrations answer with the upstream's body without calling it."""
    import pytest_apigw_embedded.integrations.alb as alb
    from pytest_apigw_embedded.exchange.responses import GatewayResponse

    def build(spec: object, services: object) -> object:
        async def integrate(request: object, ctx: object) -> GatewayResponse:
            return GatewayResponse(200, [("server", "uvicorn"), ("content-type", "application/json")], BODY)
        return integrate

    alb.build = build  # type: ignore[assignment]


def _others(known: list[threading.Thread]) -> list[threading.Thread]:
    """The live threads but this one and ``known``."""
    return [t for t in threading.enumerate() if t is not threading.current_thread() and t not in known]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--route", choices=("proxy", "alb", "cloud_map", "relay", "chain", "direct"),
                        default="proxy")
    parser.add_argument("--requests", type=int, default=5000)
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--sort", default="tottime")
    parser.add_argument("--no-profile", action="store_true", help="CPU per thread only, no profiler")
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--cpu", action="store_true", help="profile CPU time (thread clock), not wall time")
    args = parser.parse_args(argv)
    PROFILER.cpu_timer = args.cpu

    from pytest_apigw_embedded.backend import EmbeddedBackend

    if args.route == "chain":
        _answer_at_once()
    upstream = UvicornServer()
    upstream_threads = _others([])
    if not args.no_profile:
        PROFILER.install()
    backend = EmbeddedBackend()
    relay: ByteRelay | None = None
    if args.route == "relay":  # the relay's loop thread stands where the gateway's would
        relay = ByteRelay(upstream.port)
    else:
        backend.start()
    gateway_threads = _others(upstream_threads)
    stats: pstats.Stats | None = None
    try:
        base = backend.deploy(_api(upstream)).url.rstrip("/") if relay is None else ""
        url = {"proxy": f"{base}/proxy/items/42", "alb": f"{base}/items/42", "direct": upstream.url,
               "cloud_map": f"{base}/svc/items/42",
               "relay": relay.url("/items/42") if relay is not None else "", "chain": f"{base}/items/42"}
        client = Client(url[args.route])
        for _ in range(300):
            assert client.get()[0] == 200
        PROFILER.restart()
        rows: list[tuple[float, ...]] = []
        split: list[tuple[float, float]] = []  # the gateway threads' user and system µs/request
        groups = (gateway_threads, upstream_threads, [threading.current_thread()])
        for _ in range(args.runs):
            before = [_thread_usage(threads) for threads in groups]
            split_before = _user_sys(gateway_threads)
            start = time.perf_counter()
            with no_gc():
                for _ in range(args.requests):
                    client.get()
            seconds = time.perf_counter() - start
            after = [_thread_usage(threads) for threads in groups]
            split_after = _user_sys(gateway_threads)
            per = 1e6 / args.requests
            split.append(((split_after[0] - split_before[0]) * per, (split_after[1] - split_before[1]) * per))
            cpu = [(a[0] - b[0]) * per for a, b in zip(after, before, strict=True)]
            switches = [(a[1] - b[1]) / args.requests for a, b in zip(after, before, strict=True)]
            rows.append((args.requests / seconds, *cpu, *switches))
            print(f"{args.route}: {args.requests / seconds:,.0f} req/s; CPU µs/request: gateway "
                  f"{cpu[0]:.0f}, upstream {cpu[1]:.0f}, client {cpu[2]:.0f}; switches/request: gateway "
                  f"{switches[0]:.1f}, upstream {switches[1]:.1f}, client {switches[2]:.1f}; gateway user "
                  f"{split[-1][0]:.0f}, system {split[-1][1]:.0f}", flush=True)
        client.close()
        stats = PROFILER.stop()
    finally:
        if relay is not None:
            relay.close()
        backend.close()
        upstream.close()
    if args.runs > 1:
        m = [median([r[i] for r in rows]) for i in range(7)]
        print(f"median of {args.runs}: {m[0]:,.0f} req/s; CPU µs/request: gateway {m[1]:.0f}, upstream "
              f"{m[2]:.0f}, client {m[3]:.0f}, all {m[1] + m[2] + m[3]:.0f}; switches/request: gateway "
              f"{m[4]:.1f}, upstream {m[5]:.1f}, client {m[6]:.1f}; gateway user "
              f"{median([u for u, _ in split]):.0f}, system {median([s for _, s in split]):.0f}")
    if stats is not None and not args.no_profile:
        stats.sort_stats(args.sort).print_stats(args.top)
        calls = sum(v[1] for v in stats.stats.values())  # type: ignore[attr-defined]
        total = sum(v[2] for v in stats.stats.values())  # type: ignore[attr-defined]
        requests = args.requests * args.runs
        print(f"gateway threads under the profiler: {calls / requests:.0f} calls/request, "
              f"{total / requests * 1e6:.0f} µs/request")


if __name__ == "__main__":
    main()
