"""HTTP proxy and ALB private integration throughput vs the same upstream called directly.

The upstream is the floor's server (uvicorn + httptools, fixed JSON, in-process uvloop thread).
``http_proxy_direct`` calls it with the harness client; ``http_proxy`` (``HttpProxyIntegration``)
and ``alb`` (``HttpAlbIntegration``, one target) call it through the embedded gateway's
``$default`` route. ``http_proxy_relay`` (``relay.py``) is the cheapest proxy hop in the same
arrangement, a byte relay on its own loop thread: what any in-process proxy costs here before any
gateway work (informational, the proxied rows' notes give their ratio to it too). The four are
measured in alternating chunks (:func:`benchmarks.common.interleaved`); the ratio is the median of
the per-round ratios. Target (issue 13): proxied ≥ 0.5× direct.
"""

from __future__ import annotations

from benchmarks.bench_floor import BODY, UvicornServer
from benchmarks.common import Result, Settings, bench, interleaved, paired, rate_row
from benchmarks.relay import ByteRelay

TARGET = (">=", 0.5)
PATH = "/items/42"


def _check(body: bytes) -> bool:
    return body == BODY


def _api(upstream: UvicornServer):
    from pytest_apigw import (
        ApplicationLoadBalancer,
        HttpAlbIntegration,
        HttpApi,
        HttpProxyIntegration,
        IpTarget,
        Vpc,
    )

    listener = ApplicationLoadBalancer("Alb", vpc=Vpc("Vpc")).add_listener("L", port=80)
    listener.add_targets("T", targets=[IpTarget("127.0.0.1", upstream.port)])
    api = HttpApi("BenchProxy")
    api.add_routes(path="/proxy/{proxy+}", methods=["GET"],
                   integration=HttpProxyIntegration(url=f"http://127.0.0.1:{upstream.port}/{{proxy}}"))
    api.add_routes(path="/items/{id}", methods=["GET"], integration=HttpAlbIntegration(listener=listener))
    return api


@bench("http_proxy", order=20)
def http_proxy(settings: Settings) -> list[Result]:
    from pytest_apigw_embedded.backend import EmbeddedBackend

    upstream = UvicornServer()
    relay = ByteRelay(upstream.port)
    backend = EmbeddedBackend()
    backend.start()
    try:
        base = backend.deploy(_api(upstream)).url.rstrip("/")
        urls = {"http_proxy_direct": upstream.url, "http_proxy": f"{base}/proxy/items/42",
                "alb": f"{base}{PATH}", "http_proxy_relay": relay.url(PATH)}
        totals, rounds = interleaved(
            urls, requests=settings.count(6000, 1500), rounds=4 if settings.quick else 8,
            warmup=settings.warmup, time_limit=3 * settings.time_limit,
            checks=dict.fromkeys(urls, _check),
        )
    finally:
        backend.close()
        relay.close()
        upstream.close()
    direct = totals["http_proxy_direct"]
    rows = [rate_row("http_proxy_direct", direct, vs="floor",
                     note="the proxied rows' upstream (uvicorn, fixed JSON), called directly")]
    spread = sorted(r["http_proxy_relay"] / r["http_proxy_direct"] for r in rounds)
    rows.append(rate_row(
        "http_proxy_relay", totals["http_proxy_relay"], vs="http_proxy_direct",
        paired_ratio=paired(rounds, "http_proxy_relay", "http_proxy_direct"),
        note=f"a byte relay (relay.py): the cheapest proxy hop here, no target; paired with direct in "
             f"{len(rounds)} rounds (ratio {spread[0]:.2f}-{spread[-1]:.2f})",
    ))
    for name, what in (("http_proxy", "HttpProxyIntegration, {proxy} URL"),
                       ("alb", "HttpAlbIntegration, one target")):
        spread = sorted(r[name] / r["http_proxy_direct"] for r in rounds)
        rows.append(rate_row(
            name, totals[name], vs="http_proxy_direct", target=TARGET,
            paired_ratio=paired(rounds, name, "http_proxy_direct"),
            note=f"{what}; gateway → own client → upstream; paired with direct in {len(rounds)} rounds "
                 f"(ratio {spread[0]:.2f}-{spread[-1]:.2f}); "
                 f"{paired(rounds, name, 'http_proxy_relay'):.2f}× the byte relay",
        ))
    return rows
