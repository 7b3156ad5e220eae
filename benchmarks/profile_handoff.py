"""CPU per in-process invocation through the batched hand-off alone (no sockets, no gateway chain).

    python benchmarks/profile_handoff.py [--batch 16] [--batches 2000] [--runs 7]

On a uvloop loop thread, each round starts ``--batch`` invocations of a trivial handler in one
loop callback, eagerly and batched (``server/eager.py`` ``start(..., batch=True)``, as the lean
HTTP server does with several connections open), and waits for all of them; the process CPU
(every thread) per invocation is printed for each run, then the median. What it measures is the
runtime's own cost per request (``lambda_runtime/inprocess.py``, ``threads.py``, ``eager.py``),
which the c16 row of ``bench_concurrency`` pays on top of the chain and the sockets.
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.common import median  # noqa: E402


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--batches", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()

    from pytest_apigw_embedded.lambda_runtime.inprocess import InProcessRuntime
    from pytest_apigw_embedded.server import eager
    from pytest_apigw_embedded.server.loop import LoopThread

    from pytest_apigw import Function

    function = Function("Bench", handler=lambda event, context: {"statusCode": 200, "body": "ok"})
    runtime = InProcessRuntime()
    loop = LoopThread("handoff-bench")

    async def rounds(count: int) -> None:
        running = asyncio.get_running_loop()
        for _ in range(count):
            left = [args.batch]
            finished = running.create_future()

            def done(_: Any, left: list[int] = left, finished: asyncio.Future[None] = finished) -> None:
                left[0] -= 1
                if left[0] == 0:
                    finished.set_result(None)

            def kick(finished: asyncio.Future[None] = finished) -> None:
                for _ in range(args.batch):
                    eager.start(runtime.invoke(function, {}), done, finished.set_exception, batch=True)

            running.call_soon(kick)
            await finished

    try:
        loop.run(rounds(200))  # warm: threads started, handler prepared
        per: list[float] = []
        for _ in range(args.runs):
            cpu, wall = _cpu(), time.perf_counter()
            loop.run(rounds(args.batches))
            cpu, wall = _cpu() - cpu, time.perf_counter() - wall
            n = args.batch * args.batches
            per.append(cpu / n * 1e6)
            print(f"{cpu / n * 1e6:.2f} µs CPU, {wall / n * 1e6:.2f} µs wall per invocation", flush=True)
        print(f"median of {len(per)}: {median(per):.2f} µs CPU per invocation")
    finally:
        loop.run(runtime.close())
        loop.stop()


if __name__ == "__main__":
    main()
