"""WebSocket message round trips/s through a two-way Lambda route vs a bare ``websockets`` echo
server (target ≥ 0.4×).

Both servers run in this process on a uvloop loop in a background thread (the same arrangement
as the embedded gateway); one client, ``websockets.sync``, sends a small JSON message and waits
for the answer. The two are measured in alternating rounds so machine load hits both alike; the
ratio is the median of the per-round ratios.
"""

from __future__ import annotations

import json
from typing import Any

from benchmarks.common import Result, Settings, Usage, bench, clock, median, no_gc, server_usage
from benchmarks.processes import LoopThread

MESSAGE = json.dumps({"action": "echo", "text": "hello"})


def echo(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """The route's Lambda: the message back (two-way)."""
    return {"statusCode": 200, "body": event["body"]}


def _echo_server(loop: LoopThread) -> tuple[Any, str]:
    from websockets.asyncio.server import serve

    async def handler(connection: Any) -> None:
        async for message in connection:
            await connection.send(message)

    async def start() -> Any:
        return await serve(handler, "127.0.0.1", 0, ping_interval=None, compression=None)

    server = loop.run(start())
    port = next(iter(server.sockets)).getsockname()[1]
    return server, f"ws://127.0.0.1:{port}"


def _round_trips(connection: Any, n: int) -> float:
    send, recv = connection.send, connection.recv
    start = clock()
    for _ in range(n):
        send(MESSAGE)
        recv()
    return n / (clock() - start)


@bench("websocket", order=30)
def websocket(settings: Settings) -> list[Result]:
    from pytest_apigw_embedded.backend import EmbeddedBackend
    from websockets.sync.client import connect

    from pytest_apigw import LambdaWebSocketIntegration, WebSocketApi, WebSocketStage

    total = settings.count(6000, 1500)
    rounds = 4 if settings.quick else 10
    chunk = max(50, total // rounds)
    loop = LoopThread()
    backend = EmbeddedBackend()
    backend.start()
    server = None
    clients: dict[str, Any] = {}
    try:
        server, floor_url = _echo_server(loop)
        api = WebSocketApi("bench")
        WebSocketStage("s", web_socket_api=api, stage_name="bench")
        api.add_route("echo", integration=LambdaWebSocketIntegration(handler=echo), return_response=True)
        deployment = backend.deploy(api)
        for name, url in (("ws_floor", floor_url), ("websocket", deployment.ws_url)):
            clients[name] = connect(url, legacy=True, compression=None, ping_interval=None)
        for name, connection in clients.items():
            for _ in range(min(settings.warmup, 300)):
                connection.send(MESSAGE)
                if connection.recv(10) != MESSAGE:
                    raise RuntimeError(f"{name} did not echo the message")
        rates: dict[str, list[float]] = {name: [] for name in clients}
        used = {name: Usage() for name in clients}
        # the sync client reads in a thread of its own: client time, not server time
        readers = [t for c in clients.values()
                   if (t := getattr(getattr(c, "recv_events_thread", None), "native_id", None))]
        ratios: list[float] = []
        deadline = clock() + settings.time_limit * 2
        with no_gc():
            for r in range(rounds):
                names = list(clients) if r % 2 == 0 else list(reversed(clients))
                measured = {}
                for name in names:
                    before = server_usage(client_threads=readers)
                    measured[name] = _round_trips(clients[name], chunk)
                    used[name] = used[name] + (server_usage(client_threads=readers) - before)
                for name, rate in measured.items():
                    rates[name].append(rate)
                ratios.append(measured["websocket"] / measured["ws_floor"])
                if clock() > deadline:
                    break
        done = len(ratios) * chunk

        def usage(name: str) -> dict[str, Any]:
            return {"cpu_us": used[name].cpu / done * 1e6, "switches": used[name].switches / done,
                    "spread": (min(rates[name]), max(rates[name]))}

        floor = Result("ws_floor", median(rates["ws_floor"]), "msg/s",
                       note=f"bare websockets echo server, {done} round trips", **usage("ws_floor"))
        gateway = Result("websocket", median(rates["websocket"]), "msg/s", vs="ws_floor",
                         target=(">=", 0.4), paired_ratio=median(ratios),
                         note=f"two-way Lambda route (in-process), {done} round trips, paired rounds",
                         **usage("websocket"))
        return [floor, gateway]
    finally:
        for connection in clients.values():
            connection.close()
        if server is not None:
            server.close()
            loop.run(server.wait_closed())
        loop.stop()
        backend.close()
