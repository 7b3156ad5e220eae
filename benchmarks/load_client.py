"""A load generator in its own process: ``python benchmarks/load_client.py`` (for ``bench_concurrency``).

It reads one JSON command per line on stdin, ``{"port": P, "path": "/items/42", "conns": N,
"warmup": s, "seconds": s}``, keeps ``N`` keep-alive connections busy (one request in flight on
each: the next is written when the previous answer is complete), and writes one JSON line:
``{"requests": timed answers, "seconds": timed window, "total": every answer, "bad": non-200s,
"client_busy": this process's CPU over the window / the window}`` (near 1.0: the client, not the
server, set the pace).
Fixed request bytes and content-length framing only (``asyncio.Protocol`` on uvloop), so the
client costs little next to the servers it loads; being another process, it takes none of the
server's GIL.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from typing import Any


class _Connection(asyncio.Protocol):
    """One keep-alive connection sending ``request`` again whenever an answer is complete."""

    def __init__(self, request: bytes, counts: dict[str, int], stop: asyncio.Event) -> None:
        self.request = request
        self.counts = counts
        self.stop = stop
        self.buffer = b""
        self.transport: Any = None
        self.closed = asyncio.get_running_loop().create_future()

    def connection_made(self, transport: Any) -> None:
        self.transport = transport
        transport.write(self.request)

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while True:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            head = self.buffer[:end]
            length = 0
            for line in head.split(b"\r\n")[1:]:
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value)
            if len(self.buffer) < end + 4 + length:
                return
            self.buffer = self.buffer[end + 4 + length:]
            self.counts["total"] += 1
            if not head.startswith(b"HTTP/1.1 200"):
                self.counts["bad"] += 1
            if self.stop.is_set():
                self.transport.close()
                return
            self.transport.write(self.request)

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.closed.done():
            self.closed.set_result(None)


async def run(command: dict[str, Any]) -> dict[str, Any]:
    """Load ``command["port"]`` as described in the module docstring."""
    loop = asyncio.get_running_loop()
    port = int(command["port"])
    request = (f"GET {command.get('path', '/')} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
               "Accept: */*\r\n\r\n").encode()
    counts = {"total": 0, "bad": 0}
    stop = asyncio.Event()
    connections = []
    for _ in range(int(command.get("conns", 1))):
        _, protocol = await loop.create_connection(
            lambda: _Connection(request, counts, stop), "127.0.0.1", port)
        connections.append(protocol)
    await asyncio.sleep(float(command.get("warmup", 0.2)))
    first, start, cpu = counts["total"], time.perf_counter(), time.process_time()
    await asyncio.sleep(float(command.get("seconds", 1.0)))
    # A window holds at least one answer: on a loaded machine a very short window (the smoke
    # test's 0.1 s) can pass before the first; a server that never answers still shows as 0.
    deadline = time.perf_counter() + 10
    while counts["total"] == first and time.perf_counter() < deadline:
        await asyncio.sleep(0.01)
    last, seconds, cpu = counts["total"], time.perf_counter() - start, time.process_time() - cpu
    stop.set()
    await asyncio.wait_for(asyncio.gather(*(c.closed for c in connections)), 30)
    return {"requests": last - first, "seconds": seconds, "total": counts["total"], "bad": counts["bad"],
            "client_busy": cpu / seconds if seconds > 0 else 0.0}


def main() -> None:
    """Serve commands until stdin closes."""
    try:
        import uvloop

        asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())
    except ImportError:  # pragma: no cover - uvloop is a dependency off Windows
        pass
    for line in sys.stdin:
        if line.strip():
            print(json.dumps(asyncio.run(run(json.loads(line)))), flush=True)


if __name__ == "__main__":
    main()
