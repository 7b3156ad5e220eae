"""Where a warm Node.js invocation's time goes: latency and CPU per request, side by side.

    python benchmarks/profile_node.py [--requests N] [--rounds N] [--cprofile] [--top N]
    python benchmarks/profile_node.py --ab OLD_BOOTSTRAP.mjs [--requests N] [--rounds N]

Deploys the ``node_warm`` row's API (a Node.js ``hello`` through the Lambda Runtime API and the
in-process Python ``hello``), then in alternating rounds prints, per request: the median and
90th-percentile latency seen by the client, the CPU of the gateway process without the client
thread (``/proc``), the CPU of the Node.js process, and the context switches of each. CPU per
request is far steadier than req/s on a shared machine. ``--cprofile`` profiles the gateway's
event-loop thread over the Node.js requests and prints its top functions.

``--ab OLD_BOOTSTRAP.mjs`` compares two variants in alternating rounds in one process, on two
Node.js functions of one API: ``before`` (that bootstrap, e.g. ``git show
HEAD~3:plugins/pytest_apigw_embedded/lambda_runtime/node/bootstrap.mjs > /tmp/old.mjs``, and the
standard library's ``json`` for the event and the answer) and ``after`` (the project's bootstrap
and its encoders as they are). The load of a shared machine then weighs on both alike.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import resource
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.apis import TARGET_PATH, hello  # noqa: E402
from benchmarks.bench_runtimes import _api, _node  # noqa: E402
from benchmarks.common import Client, Usage, _process_usage, no_gc  # noqa: E402


def _gateway_usage() -> Usage:
    """This process minus the calling (client) thread."""
    whole = resource.getrusage(resource.RUSAGE_SELF)
    client = resource.getrusage(resource.RUSAGE_THREAD)
    return Usage(whole.ru_utime + whole.ru_stime - client.ru_utime - client.ru_stime,
                 whole.ru_nvcsw + whole.ru_nivcsw - client.ru_nvcsw - client.ru_nivcsw)


def _round(client: Client, n: int, node_pid: int) -> tuple[list[float], Usage, Usage]:
    latencies = []
    gateway, node = _gateway_usage(), _process_usage(node_pid)
    for _ in range(n):
        start = time.perf_counter()
        status, _ = client.get()
        latencies.append(time.perf_counter() - start)
        assert status == 200
    return latencies, _gateway_usage() - gateway, _process_usage(node_pid) - node


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=4000, help="timed requests per URL")
    parser.add_argument("--rounds", type=int, default=8)
    parser.add_argument("--cprofile", action="store_true", help="profile the loop thread (node requests)")
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--ab", metavar="OLD_BOOTSTRAP", type=Path,
                        help="compare that bootstrap + stdlib json (before) with the current (after)")
    args = parser.parse_args(argv)
    if args.ab is not None:
        _ab(args.ab, args.requests, args.rounds)
        return

    from pytest_apigw_embedded.backend import EmbeddedBackend

    from pytest_apigw.spec import Function

    backend = EmbeddedBackend()
    backend.start()
    try:
        node_fn = _node("nodeHello")
        api = _api("warm", {"/node/{id}": node_fn, TARGET_PATH: Function("pyHello", handler=hello)})
        deployment = backend.deploy(api)
        base = deployment.url.rstrip("/")
        clients = {"node": Client(f"{base}/node/42"), "python": Client(base + TARGET_PATH)}
        for client in clients.values():
            for _ in range(300):
                client.get()
        pool = backend.services.lambda_runtime(node_fn).instances(node_fn)
        assert pool is not None
        (node_pid,) = pool.pids()
        profile = cProfile.Profile(time.thread_time) if args.cprofile else None
        if profile is not None:
            backend_loop = backend.loop.loop
            backend_loop.call_soon_threadsafe(profile.enable)
        stats: dict[str, dict[str, list[float]]] = {
            name: {"lat": [], "gw_cpu": [], "node_cpu": [], "gw_cs": [], "node_cs": []} for name in clients}
        chunk = max(1, args.requests // args.rounds)
        with no_gc():
            for r in range(args.rounds):
                for name in clients if r % 2 == 0 else reversed(list(clients)):
                    if name == "python" and profile is not None:
                        continue
                    lat, gw, nd = _round(clients[name], chunk, node_pid)
                    s = stats[name]
                    s["lat"].extend(lat)
                    s["gw_cpu"].append(gw.cpu / chunk * 1e6)
                    s["node_cpu"].append(nd.cpu / chunk * 1e6)
                    s["gw_cs"].append(gw.switches / chunk)
                    s["node_cs"].append(nd.switches / chunk)
        if profile is not None:
            done = threading.Event()
            backend_loop.call_soon_threadsafe(lambda: (profile.disable(), done.set()))
            done.wait(5)
        for client in clients.values():
            client.close()
        backend.destroy(deployment)
    finally:
        backend.close()
    print(f"{'':8} {'lat p50 µs':>10} {'p90':>7} {'gw cpu µs':>10} {'node cpu':>9} {'gw cs':>6} "
          f"{'node cs':>7}")
    for name, s in stats.items():
        if not s["lat"]:
            continue
        lat = sorted(s["lat"])
        print(f"{name:8} {lat[len(lat) // 2] * 1e6:10.0f} {lat[len(lat) * 9 // 10] * 1e6:7.0f} "
              f"{statistics.median(s['gw_cpu']):10.0f} {statistics.median(s['node_cpu']):9.0f} "
              f"{statistics.median(s['gw_cs']):6.2f} {statistics.median(s['node_cs']):7.2f}")
    if profile is not None:
        p = pstats.Stats(profile)
        p.sort_stats("tottime").print_stats(args.top)


def _ab(old_bootstrap: Path, requests: int, rounds: int) -> None:
    from pytest_apigw_embedded.backend import EmbeddedBackend
    from pytest_apigw_embedded.lambda_runtime import external, node, runtime_api

    variants = {
        "before": (old_bootstrap.resolve(), external.stdlib_encode_event, runtime_api.stdlib_payload_of),
        "after": (node.BOOTSTRAP, external.encode_event, runtime_api.payload_of),
    }
    backend = EmbeddedBackend()
    backend.start()
    current = node.BOOTSTRAP
    try:
        functions = {name: _node(f"ab{name}") for name in variants}
        deployments, clients, pids = [], {}, {}
        for name, function in functions.items():
            node.BOOTSTRAP = variants[name][0]  # read when the function is prepared (at deploy)
            deployment = backend.deploy(_api(f"ab{name}", {"/node/{id}": function}))
            deployments.append(deployment)
            clients[name] = Client(deployment.url.rstrip("/") + "/node/42")
        node.BOOTSTRAP = current
        for name, client in clients.items():
            for _ in range(300):
                client.get()
            pool = backend.services.lambda_runtime(functions[name]).instances(functions[name])
            assert pool is not None
            (pids[name],) = pool.pids()
        stats: dict[str, dict[str, list[float]]] = {
            name: {"lat": [], "gw_cpu": [], "node_cpu": []} for name in variants}
        chunk = max(1, requests // rounds)
        with no_gc():
            for r in range(rounds):
                for name in variants if r % 2 == 0 else reversed(list(variants)):
                    _, encode, payload = variants[name]
                    external.encode_event, runtime_api.payload_of = encode, payload  # type: ignore[assignment]
                    lat, gw, nd = _round(clients[name], chunk, pids[name])
                    stats[name]["lat"].extend(lat)
                    stats[name]["gw_cpu"].append(gw.cpu / chunk * 1e6)
                    stats[name]["node_cpu"].append(nd.cpu / chunk * 1e6)
        for client in clients.values():
            client.close()
        for deployment in deployments:
            backend.destroy(deployment)
    finally:
        node.BOOTSTRAP = current
        external.encode_event, runtime_api.payload_of = variants["after"][1], variants["after"][2]
        backend.close()
    print(f"{'':8} {'lat p50 µs':>10} {'p90':>7} {'gw cpu µs':>10} {'node cpu':>9}")
    for name, s in stats.items():
        lat = sorted(s["lat"])
        print(f"{name:8} {lat[len(lat) // 2] * 1e6:10.0f} {lat[len(lat) * 9 // 10] * 1e6:7.0f} "
              f"{statistics.median(s['gw_cpu']):10.0f} {statistics.median(s['node_cpu']):9.0f}")


if __name__ == "__main__":
    main()
