"""Waiting for a stopping server's connections and requests to finish, without a fixed sleep."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

#: Loop turns given before sleeping: a connection closed now is forgotten a turn or two later.
TURNS = 10
#: The sleep between looks after those turns.
SLICE = 0.002


async def wait_drained(pending: Callable[[], bool], grace: float) -> None:
    """Return once ``pending()`` is false, or ``grace`` seconds from now: a few loop turns first
    (what a test's teardown usually waits for: the idle connections of a client the test left
    open, closed just now), then short sleeps (a request still being answered)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + grace
    turns = 0
    while pending() and loop.time() < deadline:
        if turns < TURNS:
            turns += 1
            await asyncio.sleep(0)
        else:
            await asyncio.sleep(SLICE)
