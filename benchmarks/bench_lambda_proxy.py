"""The embedded gateway serving a Lambda-proxy GET on an API with 50 routes (target ≥ 0.5× floor).

The gateway and a floor server (the same as ``bench_floor``) are measured in alternating chunks
(:func:`benchmarks.common.interleaved`); the ratio column is the median of the per-round ratios,
which holds up on a busy 2-core machine far better than rows measured seconds apart.
"""

from __future__ import annotations

from benchmarks.apis import RESPONSE_BODY, TARGET_PATH, make_api
from benchmarks.bench_floor import UvicornServer
from benchmarks.common import Result, Settings, bench, interleaved, paired, rate_row

ROUTES = 50


def _check(body: bytes) -> bool:
    return body.decode() == RESPONSE_BODY


@bench("lambda_proxy", order=10)
def lambda_proxy(settings: Settings) -> Result:
    from pytest_apigw_embedded.backend import EmbeddedBackend

    backend = EmbeddedBackend()
    backend.start()
    floor = UvicornServer()
    try:
        deployment = backend.deploy(make_api(ROUTES))
        totals, rounds = interleaved(
            {"lambda_proxy": deployment.url.rstrip("/") + TARGET_PATH, "floor": floor.url},
            requests=settings.count(10000, 2000), rounds=4 if settings.quick else 10,
            warmup=settings.warmup, time_limit=2 * settings.time_limit, checks={"lambda_proxy": _check},
        )
    finally:
        floor.close()
        backend.close()
    ratios = sorted(r["lambda_proxy"] / r["floor"] for r in rounds)
    return rate_row(
        "lambda_proxy", totals["lambda_proxy"], vs="floor", target=(">=", 0.5),
        paired_ratio=paired(rounds, "lambda_proxy", "floor"),
        note=f"embedded, {ROUTES} routes, payload 2.0, in-process Lambda; paired with a floor server "
             f"in {len(rounds)} rounds (ratio {ratios[0]:.2f}-{ratios[-1]:.2f}, "
             f"floor {totals['floor'].rate:,.0f} req/s)",
    )
