"""CPU per request of the gateway chain alone, without sockets or the Lambda thread hop.

    python benchmarks/profile_chain.py [--requests N] [--rounds N] [--profile] [--top N] [--payload 1.0]

The ``lambda_proxy`` row's request (``GET /items/42`` on the 50-route API, payload 2.0; ``--payload 1.0``:
the ``lambda_proxy_v1`` row's) is fed to
the lean server's protocol (``server/http_protocol.py``) through a stand-in transport, again and
again, from a loop callback as the real server runs it: parser callbacks → ``HttpGateway.serve``
(stage, route, event, response mapping, invocation record) → the answer's bytes. The function is
called inline (each runtime's ``invoke`` replaced by a coroutine that calls the handler and
returns at once), so neither the hand-off to a handler thread nor socket I/O is in the number:
what is left is the Python the chain runs per request. The value is the process CPU time per
request of the best round (least disturbed by other work on a shared machine) with the first
quartile and median beside it; ``--profile`` adds a cProfile of one more round (call counts per
request are exact, times inflated 2-3×).
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

from benchmarks.apis import TARGET_PATH, make_api  # noqa: E402

REQUEST = (f"GET {TARGET_PATH} HTTP/1.1\r\nHost: 127.0.0.1:8000\r\nAccept: */*\r\n\r\n").encode()


class Transport:
    """What the protocol asks of a transport; every answer is kept as the last one."""

    last = b""

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return {"peername": ("127.0.0.1", 5555), "sockname": ("127.0.0.1", 8000)}.get(name, default)

    def is_closing(self) -> bool:
        return False

    def get_write_buffer_size(self) -> int:
        return 0

    def write(self, data: bytes) -> None:
        self.last = data

    def close(self) -> None:
        pass

    def pause_reading(self) -> None:
        pass

    def resume_reading(self) -> None:
        pass


def measure(app: Any, requests: int, rounds: int, profile: bool, top: int) -> list[float]:
    """Feed the request ``rounds`` times ``requests`` times; CPU µs per request of each round."""
    from pytest_apigw_embedded.server.http_protocol import LeanHttpProtocol, ServerState

    from pytest_apigw.invocations import LOG

    transport = Transport()
    protocol = LeanHttpProtocol(app, ServerState())
    protocol.connection_made(transport)  # type: ignore[arg-type]
    for _ in range(1000):
        protocol.data_received(REQUEST)
    if not transport.last.startswith(b"HTTP/1.1 200 OK\r\n"):
        raise RuntimeError(f"the chain did not answer 200: {transport.last[:200]!r}")
    LOG.clear()
    rates = []
    for _ in range(rounds):
        start = time.process_time()
        for _ in range(requests):
            protocol.data_received(REQUEST)
        rates.append((time.process_time() - start) / requests * 1e6)
        LOG.clear()
    if profile:
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(requests):
            protocol.data_received(REQUEST)
        profiler.disable()
        LOG.clear()
        stats = pstats.Stats(profiler)
        stats.sort_stats("tottime").print_stats(top)
        calls = sum(v[1] for v in stats.stats.values())  # type: ignore[attr-defined]
        print(f"function calls per request: {calls / requests:.1f}")
    return rates



def call_inline(app: Any) -> None:
    """Have the runtime of each route of ``app`` (a served HTTP gateway) answer every invocation
    in the caller's thread, at once: no hand-off to a handler thread."""
    from pytest_apigw_embedded.lambda_runtime.result import InvokeResult

    async def invoke(function: Any, event: Any, timeout: float | None = None) -> InvokeResult:
        return InvokeResult(payload=function.handler(event, None))

    for route in app.stages.api.routes.values():
        app.services.lambda_runtime(route.integration.handler).invoke = invoke


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--access-log", action="store_true",
                        help="the stage logs in the console's JSON format, a route-coverage collector on "
                             "(the lambda_proxy_logged row)")
    parser.add_argument("--payload", choices=("1.0", "2.0"), default="2.0",
                        help="the Lambda proxy payload format version (1.0: the lambda_proxy_v1 row)")
    args = parser.parse_args(argv)

    import uvloop
    from pytest_apigw_embedded.backend import EmbeddedBackend, served

    from pytest_apigw.access_log import HTTP_JSON_FORMAT
    from pytest_apigw.coverage.collect import Collector

    backend = EmbeddedBackend()
    backend.start()
    collector = Collector()
    try:
        api = make_api(50, payload=args.payload)
        if args.access_log:
            api.stages[0].access_log_format = HTTP_JSON_FORMAT
        deployment = backend.deploy(api)
        if args.access_log:
            collector.deployed(deployment)
            collector.start()
        app = served(deployment).app

        call_inline(app)

        async def run() -> list[float]:
            # from a loop callback, as the server calls the protocol (not inside a Task)
            loop = asyncio.get_running_loop()
            done: asyncio.Future[list[float]] = loop.create_future()

            def callback() -> None:
                try:
                    done.set_result(measure(app, args.requests, args.rounds, args.profile, args.top))
                except BaseException as exc:  # noqa: BLE001 - reported by the await below
                    done.set_exception(exc)

            loop.call_soon(callback)
            return await done

        rates = sorted(uvloop.run(run()))
    finally:
        if args.access_log:
            collector.stop()
        backend.close()
    print(f"chain CPU per request over {args.rounds} rounds of {args.requests}: best {rates[0]:.2f} µs, "
          f"first quartile {rates[len(rates) // 4]:.2f} µs, median {rates[len(rates) // 2]:.2f} µs")


if __name__ == "__main__":
    main()
