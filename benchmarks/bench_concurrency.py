"""Requests/s against concurrent connections (1, 4, 16): the gateway's Lambda proxy and the floor.

The load comes from another process (``benchmarks/load_client.py``: uvloop, fixed request bytes,
one request in flight per keep-alive connection), so client and server do not share a GIL and
the client's cost stays small; the servers are the ``lambda_proxy`` deployment (50 routes,
in-process Lambda) and the floor (``bench_floor.RawServer``, the gateway's exact response bytes),
both in this process as in every other row. For each connection count the two are measured in
alternating rounds; the ratio is the median of the per-round ratios. CPU and context switches
per request are this process's (every thread but the idle main one, and its worker processes
but the load generator) over warm-up and window. Each row's note gives how busy the load client
was (its CPU over the window): from 4 connections on the floor keeps it busy all the time, so the
floor rows measure the client's ceiling, not the bare server's (measured 2026-12-04: 95-96% of a
CPU at 84-88k req/s under 16 connections, 30-34% against the gateway).
Target: ≥ 0.25× the floor under 16 connections.
"""

from __future__ import annotations

import json
import subprocess
from typing import Any

from benchmarks.apis import TARGET_PATH, make_api
from benchmarks.bench_floor import RawServer
from benchmarks.common import HERE, Result, Settings, Throughput, bench, median, server_usage
from benchmarks.processes import PYTHON

CONNECTIONS = (1, 4, 16)


class LoadClient:
    """The load generator process (see ``load_client.py``), one command at a time."""

    def __init__(self) -> None:
        self.proc = subprocess.Popen(
            [PYTHON, str(HERE / "load_client.py")], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            text=True, bufsize=1,
        )

    def run(self, port: int, conns: int, seconds: float, warmup: float) -> dict[str, Any]:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        command = {"port": port, "path": TARGET_PATH, "conns": conns, "seconds": seconds, "warmup": warmup}
        self.proc.stdin.write(json.dumps(command) + "\n")
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError(f"the load client exited ({self.proc.poll()})")
        result: dict[str, Any] = json.loads(line)
        if result["bad"]:
            raise RuntimeError(f"{result['bad']} non-200 answers from port {port}")
        return result

    def close(self) -> None:
        if self.proc.stdin is not None:
            self.proc.stdin.close()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def _port(url: str) -> int:
    return int(url.split("://", 1)[1].split("/", 1)[0].rsplit(":", 1)[1])


@bench("concurrency", order=15)
def concurrency(settings: Settings) -> list[Result]:
    from pytest_apigw_embedded.backend import EmbeddedBackend

    rounds = settings.repeats(4, 2)
    seconds = min(0.4 if settings.quick else 1.0, settings.time_limit / 6)
    warmup = min(0.1 if settings.quick else 0.2, seconds / 2)
    backend = EmbeddedBackend()
    backend.start()
    floor = RawServer()
    client = LoadClient()
    rows: list[Result] = []
    try:
        ports = {"floor": _port(floor.url), "lambda_proxy": _port(backend.deploy(make_api(50)).url)}
        for conns in CONNECTIONS:
            totals = {name: Throughput(0, 0.0, {}) for name in ports}
            answered = dict.fromkeys(ports, 0)
            busy: dict[str, list[float]] = {name: [] for name in ports}
            ratios: list[float] = []
            for r in range(rounds):
                rates: dict[str, float] = {}
                for name in ports if r % 2 == 0 else reversed(list(ports)):
                    load = [client.proc.pid]
                    before = server_usage(exclude=load)
                    result = client.run(ports[name], conns, seconds, warmup)
                    total = totals[name]
                    total.usage = total.usage + (server_usage(exclude=load) - before)
                    total.requests += result["requests"]
                    total.seconds += result["seconds"]
                    answered[name] += result["total"]
                    busy[name].append(result["client_busy"])
                    rates[name] = result["requests"] / result["seconds"]
                    total.rounds.append(rates[name])
                ratios.append(rates["lambda_proxy"] / rates["floor"])
            for name in ports:
                total = totals[name]
                per = max(answered[name], 1)
                is_floor = name == "floor"
                rows.append(Result(
                    f"{name}_c{conns}", total.median_rate, "req/s",
                    vs=None if is_floor else f"floor_c{conns}",
                    paired_ratio=None if is_floor else median(ratios),
                    target=(">=", 0.25) if not is_floor and conns == 16 else None,
                    cpu_us=total.usage.cpu / per * 1e6, switches=total.usage.switches / per,
                    spread=(min(total.rounds), max(total.rounds)),
                    note=f"{conns} connection{'s' if conns > 1 else ''}, load from another process, "
                         f"{len(total.rounds)} rounds"
                         + ("" if is_floor else f" (ratio {min(ratios):.2f}-{max(ratios):.2f})")
                         + f"; load client busy {median(busy[name]):.0%} of a CPU"
                         + (" (it, not the server, sets this pace)" if median(busy[name]) > 0.9 else ""),
                ))
    finally:
        client.close()
        floor.close()
        backend.close()
    return rows
