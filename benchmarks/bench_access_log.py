"""What access logs and route coverage cost: the Lambda-proxy row with both on, paired with it off.

Two deployments of the same 50-route API on one embedded backend: one plain, one whose
``$default`` stage has the console's JSON access-log format, with a route-coverage collector
observing the invocation log. Measured in alternating chunks; the ratio is logged / plain
(target ≥ 0.9: the per-request work is one template substitution and a counter).
"""

from __future__ import annotations

from benchmarks.apis import RESPONSE_BODY, TARGET_PATH, make_api
from benchmarks.common import Result, Settings, bench, interleaved, paired, rate_row

ROUTES = 50


def _check(body: bytes) -> bool:
    return body.decode() == RESPONSE_BODY


@bench("lambda_proxy_logged", order=11)
def lambda_proxy_logged(settings: Settings) -> Result:
    from pytest_apigw_embedded.backend import EmbeddedBackend

    from pytest_apigw.access_log import HTTP_JSON_FORMAT
    from pytest_apigw.coverage.collect import Collector

    backend = EmbeddedBackend()
    backend.start()
    collector = Collector()
    try:
        plain = backend.deploy(make_api(ROUTES, name="plain"))
        api = make_api(ROUTES, name="logged")
        api.stages[0].access_log_format = HTTP_JSON_FORMAT
        logged = backend.deploy(api)
        collector.deployed(logged)
        collector.start()
        totals, rounds = interleaved(
            {"logged": logged.url.rstrip("/") + TARGET_PATH, "plain": plain.url.rstrip("/") + TARGET_PATH},
            requests=settings.count(10000, 2000), rounds=4 if settings.quick else 10,
            warmup=settings.warmup, time_limit=2 * settings.time_limit,
            checks={"logged": _check, "plain": _check},
        )
        lines = len(logged.access_log)
        requested = collector.snapshot()["apis"][api.api_name]["routes"]["GET /items/{id}"]["requests"]
    finally:
        collector.stop()
        backend.close()
    return rate_row(
        "lambda_proxy_logged", totals["logged"], vs="lambda_proxy (same run)", target=(">=", 0.9),
        paired_ratio=paired(rounds, "logged", "plain"),
        note=f"access log + route coverage on; {lines} lines, {requested} requests counted; "
             f"plain {totals['plain'].rate:,.0f} req/s in the same {len(rounds)} rounds",
    )
