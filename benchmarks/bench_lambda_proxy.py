"""The embedded gateway serving a Lambda-proxy GET on an API with 50 routes (target ≥ 0.5× floor)."""

from __future__ import annotations

from benchmarks.apis import RESPONSE_BODY, TARGET_PATH, make_api
from benchmarks.common import Result, Settings, bench, rate_row, run_client

ROUTES = 50


def _check(body: bytes) -> bool:
    return body.decode() == RESPONSE_BODY


@bench("lambda_proxy", order=10)
def lambda_proxy(settings: Settings) -> Result:
    from pytest_apigw_embedded.backend import EmbeddedBackend

    backend = EmbeddedBackend()
    backend.start()
    try:
        deployment = backend.deploy(make_api(ROUTES))
        result = run_client(deployment.url.rstrip("/") + TARGET_PATH, requests=settings.count(10000, 2000),
                            warmup=settings.warmup, time_limit=settings.time_limit, check=_check)
    finally:
        backend.close()
    return rate_row("lambda_proxy", result, vs="floor", target=(">=", 0.5),
                    note=f"embedded, {ROUTES} routes, payload 2.0, in-process Lambda")
