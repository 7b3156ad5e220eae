"""The embedded gateway serving a Lambda-proxy GET on an API with 50 routes (target ≥ 0.5× floor).

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
def lambda_proxy(settings: Settings) -> Result:
    from pytest_apigw_embedded.backend import EmbeddedBackend

    backend = EmbeddedBackend()
    backend.start()
    floor = RawServer()
    reference = UvicornServer()
    try:
        deployment = backend.deploy(make_api(ROUTES))
        totals, rounds = interleaved(
            {"lambda_proxy": deployment.url.rstrip("/") + TARGET_PATH, "floor": floor.url,
             "floor_uvicorn": reference.url},
            requests=settings.count(10000, 2000), rounds=4 if settings.quick else 10,
            warmup=settings.warmup, time_limit=3 * settings.time_limit, checks={"lambda_proxy": _check},
        )
    finally:
        floor.close()
        reference.close()
        backend.close()
    low, high = ratio_range(rounds, "lambda_proxy", "floor")
    vs_uvicorn = paired(rounds, "lambda_proxy", "floor_uvicorn")
    return rate_row(
        "lambda_proxy", totals["lambda_proxy"], vs="floor", target=(">=", 0.5),
        paired_ratio=paired(rounds, "lambda_proxy", "floor"),
        note=f"embedded, {ROUTES} routes, payload 2.0, in-process Lambda; paired with the floor "
             f"(ratio {low:.2f}-{high:.2f}, floor {totals['floor'].median_rate:,.0f} req/s) and uvicorn "
             f"({vs_uvicorn:.2f}× the uvicorn hello world)",
    )
