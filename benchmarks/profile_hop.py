"""CPU per proxied request of the gateway thread alone: the chain plus the HTTP hop, no sockets.

    python benchmarks/profile_hop.py [--route alb|proxy|cloud_map ...] [--requests N] [--rounds N]
                                     [--profile] [--top N] [--chain]

``bench_http_proxy``'s API (``_api``: ``HttpProxyIntegration`` with a ``{proxy}`` URL, an ALB
with one target, a Cloud Map service with one instance and an attribute filter) is deployed and
its request fed to the lean server's protocol through a stand-in transport, as
``profile_chain.py`` does; the upstream is a stand-in too: one pooled upstream connection
(``upstream/client.py``'s ``_Connection``) whose transport keeps what is written, fed the
upstream's answer (uvicorn's bytes) in the next callback, as the loop would after the read. So a
request is: parser callbacks → chain → integration → the upstream request's bytes → (the answer)
→ response parsed, headers relayed → the client's answer: every line of Python the gateway
thread runs for a proxied request, without the system calls and thread switches that make the
socket benchmarks noisy. Printed per route: this thread's CPU µs per request (best round, first quartile,
median) and, with ``--profile``, a cProfile of one more round (call counts per request exact).
``--chain`` measures the ``alb`` route with its integration answering at once (as
``profile_http_proxy.py --route chain``): the chain alone, what a proxied request costs besides
the hop.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import pstats
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.bench_floor import BODY  # noqa: E402
from benchmarks.profile_chain import Transport  # noqa: E402

#: The port the stand-in upstream "listens" on (nothing is opened).
PORT = 9
PATHS = {"alb": "/items/42", "proxy": "/proxy/items/42", "cloud_map": "/svc/items/42"}
#: What the bench's upstream (uvicorn, ``server_header=False``) answers.
ANSWER = (b"HTTP/1.1 200 OK\r\ndate: Thu, 03 Dec 2026 07:44:00 GMT\r\ncontent-type: application/json\r\n"
          b"content-length: " + str(len(BODY)).encode() + b"\r\n\r\n" + BODY)


class Upstream:
    """The stand-in upstream: ``http.client``'s exact request in, uvicorn's answer out."""

    def __init__(self) -> None:
        self.transport = Transport()

    def pool(self, client: Any) -> Any:
        """One idle connection to ``127.0.0.1:PORT`` in ``client``'s pool (on the running loop)."""
        from pytest_apigw_embedded.integrations.upstream.client import _Connection

        client.loop = asyncio.get_running_loop()
        key = ("127.0.0.1", PORT, None, None)
        connection = _Connection(client, key)
        connection.connection_made(self.transport)
        connection.idle_since = client.loop.time()
        client._open.add(connection)
        client._idle[key] = [connection]
        return connection


class _Api:
    """``bench_http_proxy._api`` needs an object with the upstream's ``port``."""

    port = PORT


def _request(path: str) -> bytes:
    """``http.client``'s request for ``path`` (``benchmarks.common.Client``)."""
    return (f"GET {path} HTTP/1.1\r\nAccept-Encoding: identity\r\nHost: 127.0.0.1:8000\r\n"
            "Accept: */*\r\n\r\n").encode()


def measure(app: Any, route: str, requests: int, rounds: int, profile: bool,
            top: int, hop: bool = True) -> tuple[list[float], float]:
    """Proxy ``rounds`` × ``requests`` requests of ``route``; CPU µs per request of each round and
    (``profile``) Python calls per request (else 0). ``hop=False``: the integration answers at
    once (``--chain``), nothing goes upstream."""
    from pytest_apigw_embedded.integrations.upstream.client import upstream_client
    from pytest_apigw_embedded.server.http_protocol import LeanHttpProtocol, ServerState

    from pytest_apigw.invocations import LOG

    upstream = Upstream()
    connection = upstream.pool(upstream_client(app.services))
    transport = Transport()
    protocol = LeanHttpProtocol(app, ServerState())
    protocol.connection_made(transport)  # type: ignore[arg-type]
    request = _request(PATHS[route])
    feed, answer = protocol.data_received, connection.data_received

    def one() -> None:
        feed(request)
        if hop:
            answer(ANSWER)

    for _ in range(500):
        one()
    if not (transport.last.startswith(b"HTTP/1.1 200 OK\r\n") and transport.last.endswith(BODY)):
        raise RuntimeError(f"{route}: the gateway did not relay the upstream's answer: "
                           f"{transport.last[:300]!r}")
    LOG.clear()
    rates = []
    for _ in range(rounds):
        start = time.thread_time()
        for _ in range(requests):
            one()
        rates.append((time.thread_time() - start) / requests * 1e6)
        LOG.clear()
    calls = 0.0
    if profile:
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(requests):
            one()
        profiler.disable()
        LOG.clear()
        stats = pstats.Stats(profiler)
        stats.sort_stats("tottime").print_stats(top)
        calls = sum(v[1] for v in stats.stats.values()) / requests  # type: ignore[attr-defined]
    return rates, calls


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--route", action="append", choices=sorted(PATHS), help="default: all three")
    parser.add_argument("--requests", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--chain", action="store_true",
                        help="the alb route's integration answering at once (no hop): the chain alone")
    args = parser.parse_args(argv)

    import uvloop
    from pytest_apigw_embedded.backend import EmbeddedBackend, served

    from benchmarks.bench_http_proxy import _api
    from benchmarks.profile_http_proxy import _answer_at_once

    if args.chain:
        _answer_at_once()
    routes = ["alb"] if args.chain else args.route or sorted(PATHS)
    backend = EmbeddedBackend()
    backend.start()
    try:
        app = served(backend.deploy(_api(_Api()))).app  # type: ignore[arg-type]
        results: dict[str, tuple[list[float], float]] = {}

        async def run() -> None:
            # from a loop callback, as the server calls the protocol (not inside a Task)
            loop = asyncio.get_running_loop()
            done: asyncio.Future[None] = loop.create_future()

            def callback() -> None:
                try:
                    for route in routes:
                        results["chain" if args.chain else route] = measure(
                            app, route, args.requests, args.rounds, args.profile, args.top,
                            hop=not args.chain)
                    done.set_result(None)
                except BaseException as exc:  # noqa: BLE001 - reported by the await below
                    done.set_exception(exc)

            loop.call_soon(callback)
            await done

        uvloop.run(run())
    finally:
        backend.close()
    for route, (rates, calls) in results.items():
        rates = sorted(rates)
        extra = f", {calls:.1f} function calls per request" if calls else ""
        print(f"{route}: hop CPU per request over {args.rounds} rounds of {args.requests}: "
              f"best {rates[0]:.2f} µs, first quartile {rates[len(rates) // 4]:.2f} µs, "
              f"median {rates[len(rates) // 2]:.2f} µs{extra}")


if __name__ == "__main__":
    main()
