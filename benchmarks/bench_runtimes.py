"""Node.js through the Lambda Runtime API: warm rate vs in-process Python, cold start, instances.

- ``node_warm``: a warm Node.js Lambda (``benchmarks/node_handler``, the same answer as
  ``apis.hello``) and the in-process Python ``hello`` on the same API, measured in alternating
  rounds (:func:`benchmarks.common.interleaved`); target ≥ 0.5× the Python rate.
- ``node_cold_start``: ``backend.deploy(api)`` of a fresh Node.js function → its first 200
  (process start, module load, first ``/next``, the answer); median; target ≤ 150 ms.
- ``node_instances_16``: instances started while 16 keep-alive connections send requests to a
  Node.js handler that waits 50 ms (one request per instance at a time, as on Lambda).
"""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

from benchmarks.apis import RESPONSE_BODY, TARGET_PATH, hello
from benchmarks.common import (
    Client,
    Result,
    Settings,
    bench,
    clock,
    failed,
    interleaved,
    median,
    paired,
    rate_row,
)

NODE_CODE = Path(__file__).resolve().parent / "node_handler"
CONNECTIONS = 16


def _node(name: str, handler: str = "index.hello", **env: str):
    from pytest_apigw.spec import Function

    return Function(name, runtime="nodejs20.x", handler=handler, code=NODE_CODE,
                    environment={"BODY": RESPONSE_BODY, **env}, timeout=10)


def _api(name: str, routes: dict[str, object]):
    from pytest_apigw.spec import HttpApi, LambdaProxyIntegration

    api = HttpApi(name)
    for path, function in routes.items():
        api.add_routes(path=path, methods=["GET"], integration=LambdaProxyIntegration(handler=function))
    return api


def _check(body: bytes) -> bool:
    return body.decode() == RESPONSE_BODY


@bench("runtimes", order=30)
def runtimes(settings: Settings) -> list[Result]:
    from pytest_apigw_embedded.backend import EmbeddedBackend

    from pytest_apigw.spec import Function

    if shutil.which("node") is None:
        return [failed("node_warm", "no node on PATH", "runtimes")]
    backend = EmbeddedBackend()
    backend.start()
    try:
        return [_warm(backend, settings, Function), _cold(backend, settings), _instances(backend, settings)]
    finally:
        backend.close()


def _warm(backend, settings: Settings, function_cls) -> Result:
    python = function_cls("pyHello", handler=hello)
    api = _api("warm", {"/node/{id}": _node("nodeHello"), TARGET_PATH: python})
    deployment = backend.deploy(api)
    base = deployment.url.rstrip("/")
    totals, rounds = interleaved(
        {"node_warm": f"{base}/node/42", "python_inprocess": base + TARGET_PATH},
        requests=settings.count(6000, 1500), rounds=4 if settings.quick else 10,
        warmup=min(settings.warmup, 200), time_limit=2 * settings.time_limit,
        checks={"node_warm": _check, "python_inprocess": _check},
    )
    backend.destroy(deployment)
    ratios = sorted(r["node_warm"] / r["python_inprocess"] for r in rounds)
    return rate_row(
        "node_warm", totals["node_warm"], vs="python_inprocess", target=(">=", 0.5),
        paired_ratio=paired(rounds, "node_warm", "python_inprocess"), bench="runtimes",
        note=f"warm nodejs20.x instance vs in-process Python on the same API, {len(rounds)} paired "
             f"rounds (ratio {ratios[0]:.2f}-{ratios[-1]:.2f}, python "
             f"{totals['python_inprocess'].rate:,.0f} req/s)",
    )


def _cold(backend, settings: Settings) -> Result:
    samples = []
    for i in range(3 if settings.quick else 9):
        api = _api(f"cold{i}", {"/cold": _node(f"cold{i}")})
        start = clock()
        deployment = backend.deploy(api)
        client = Client(deployment.url.rstrip("/") + "/cold")
        status, body = client.get()
        samples.append((clock() - start) * 1000)
        client.close()
        backend.destroy(deployment)
        if status != 200 or not _check(body):
            return failed("node_cold_start", f"answered {status}: {body[:100]!r}", "runtimes")
    return Result("node_cold_start", median(samples), "ms", limit=("<=", 150), bench="runtimes",
                  note=f"deploy → first answer of a new nodejs20.x function, median of {len(samples)} "
                       f"(min {min(samples):.0f}, max {max(samples):.0f} ms)")


def _instances(backend, settings: Settings) -> Result:
    function = _node("slow16", "index.slow", SLEEP_MS="50")
    deployment = backend.deploy(_api("fan", {"/slow": function}))
    url = deployment.url.rstrip("/") + "/slow"
    per_connection = 4 if settings.quick else 10
    statuses: list[int] = []
    barrier = threading.Barrier(CONNECTIONS)

    def connection() -> None:
        client = Client(url)
        barrier.wait()
        for _ in range(per_connection):
            statuses.append(client.get()[0])
        client.close()

    threads = [threading.Thread(target=connection) for _ in range(CONNECTIONS)]
    start = clock()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = clock() - start
    pool = backend.services.lambda_runtime(function).instances(function)
    started = pool.started
    backend.destroy(deployment)
    ok = sum(1 for s in statuses if s == 200)
    return Result("node_instances_16", started, "instances", bench="runtimes",
                  note=f"{CONNECTIONS} connections × {per_connection} requests to a 50 ms Node.js handler: "
                       f"{ok}/{len(statuses)} answered 200 in {seconds:.2f} s "
                       f"({len(statuses) / seconds:,.0f} req/s)")
