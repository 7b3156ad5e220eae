"""HTTP proxy and ALB private integration throughput vs the same upstream called directly.

The upstream is the floor's server (uvicorn + httptools, fixed JSON, in-process uvloop thread).
``http_proxy_direct`` calls it with the harness client; ``http_proxy`` (``HttpProxyIntegration``)
and ``alb`` (``HttpAlbIntegration``, one target) call it through the embedded gateway;
``cloud_map`` (``HttpServiceDiscoveryIntegration``, one instance, one attribute
filter) the same way. ``http_proxy_relay`` (``relay.py``) is the cheapest proxy hop in the same
arrangement, a byte relay on its own loop thread: what any in-process proxy costs here before any
gateway work (informational, the proxied rows' notes give their ratio to it too). The five are
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
        HttpServiceDiscoveryIntegration,
        IpTarget,
        PrivateDnsNamespace,
        Vpc,
        VpcLink,
    )

    vpc = Vpc("Vpc")
    listener = ApplicationLoadBalancer("Alb", vpc=vpc).add_listener("L", port=80)
    listener.add_targets("T", targets=[IpTarget("127.0.0.1", upstream.port)])
    service = PrivateDnsNamespace("Ns", name="bench.local", vpc=vpc).create_service("Items")
    service.register_ip_instance("i1", ipv4="127.0.0.1", port=upstream.port,
                                 custom_attributes={"stage": "prod"})
    api = HttpApi("BenchProxy")
    api.add_routes(path="/proxy/{proxy+}", methods=["GET"],
                   integration=HttpProxyIntegration(url=f"http://127.0.0.1:{upstream.port}/{{proxy}}"))
    api.add_routes(path="/items/{id}", methods=["GET"], integration=HttpAlbIntegration(listener=listener))
    api.add_routes(path="/svc/{proxy+}", methods=["GET"], integration=HttpServiceDiscoveryIntegration(
        vpc_link=VpcLink("Link", vpc=vpc), service=service, attribute_filters={"stage": "prod"}))
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
                "alb": f"{base}{PATH}", "cloud_map": f"{base}/svc{PATH}", "http_proxy_relay": relay.url(PATH)}
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
                       ("alb", "HttpAlbIntegration, one target"),
                       ("cloud_map", "HttpServiceDiscoveryIntegration, one instance, an attribute filter")):
        spread = sorted(r[name] / r["http_proxy_direct"] for r in rounds)
        rows.append(rate_row(
            name, totals[name], vs="http_proxy_direct", target=TARGET,
            paired_ratio=paired(rounds, name, "http_proxy_direct"),
            note=f"{what}; gateway → own client → upstream; paired with direct in {len(rounds)} rounds "
                 f"(ratio {spread[0]:.2f}-{spread[-1]:.2f}); "
                 f"{paired(rounds, name, 'http_proxy_relay'):.2f}× the byte relay",
        ))
    return rows
