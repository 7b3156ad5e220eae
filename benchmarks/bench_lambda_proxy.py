"""The embedded gateway serving a Lambda-proxy GET on an API with 50 routes (target ≥ 0.5× floor):
``lambda_proxy`` with payload 2.0, ``lambda_proxy_v1`` the same API with payload 1.0.

The gateway, the floor (a bare ``asyncio.Protocol`` answering the gateway's own response bytes,
see ``bench_floor``) and the uvicorn hello world are measured in alternating chunks
(:func:`benchmarks.common.interleaved`); the ratio column is the median of the per-round ratios
against the floor, which holds up on a busy 2-core machine far better than rows measured
seconds apart. The note gives the ratio against uvicorn too.
"""

from __future__ import annotations

from benchmarks.apis import RESPONSE_BODY, TARGET_PATH, make_api
from benchmarks.bench_floor import RawServer, UvicornServer
from benchmarks.common import Result, Settings, bench, interleaved, paired, rate_row, ratio_range

ROUTES = 50


def _check(body: bytes) -> bool:
    return body.decode() == RESPONSE_BODY


@bench("lambda_proxy", order=10)
def lambda_proxy(settings: Settings) -> list[Result]:
    from pytest_apigw_embedded.backend import EmbeddedBackend

    backend = EmbeddedBackend()
    backend.start()
    floor = RawServer()
    reference = UvicornServer()
    try:
        deployment = backend.deploy(make_api(ROUTES))
        deployment_v1 = backend.deploy(make_api(ROUTES, name="bench_v1", payload="1.0"))
        totals, rounds = interleaved(
            {"lambda_proxy": deployment.url.rstrip("/") + TARGET_PATH,
             "lambda_proxy_v1": deployment_v1.url.rstrip("/") + TARGET_PATH, "floor": floor.url,
             "floor_uvicorn": reference.url},
            requests=settings.count(10000, 2000), rounds=4 if settings.quick else 10,
            warmup=settings.warmup, time_limit=4 * settings.time_limit,
            checks={"lambda_proxy": _check, "lambda_proxy_v1": _check},
        )
    finally:
        floor.close()
        reference.close()
        backend.close()
    rows = []
    for name, payload in (("lambda_proxy", "2.0"), ("lambda_proxy_v1", "1.0")):
        low, high = ratio_range(rounds, name, "floor")
        vs_uvicorn = paired(rounds, name, "floor_uvicorn")
        rows.append(rate_row(
            name, totals[name], vs="floor", target=(">=", 0.5),
            paired_ratio=paired(rounds, name, "floor"),
            note=f"embedded, {ROUTES} routes, payload {payload}, in-process Lambda; paired with the floor "
                 f"(ratio {low:.2f}-{high:.2f}, floor {totals['floor'].median_rate:,.0f} req/s) and uvicorn "
                 f"({vs_uvicorn:.2f}× the uvicorn hello world)",
        ))
    return rows
