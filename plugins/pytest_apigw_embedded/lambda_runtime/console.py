"""An instance's console output (stdout and stderr, one pipe), filed under the invocation it
belongs to.

An instance runs one invocation at a time, so what it prints between being handed an event and
answering belongs to that invocation. The pipe is read by the event loop as data arrives, and
read dry when the answer comes in: a runtime writes its output before it sends the answer, so
the output is already in the pipe by then and lands in the right invocation's log.
"""

from __future__ import annotations

import asyncio
import contextlib
import os


class ConsolePipe:
    """The read end of a child's stdout/stderr pipe, split into lines into ``sink``."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        self.read_fd, self.write_fd = os.pipe()
        os.set_blocking(self.read_fd, False)
        #: Where complete lines go; the instance points it at the current invocation's log.
        self.sink: list[str] = []
        self._partial = b""
        self._closed = False
        loop.add_reader(self.read_fd, self.drain)

    def child_started(self) -> None:
        """Close the parent's copy of the write end (the child has its own)."""
        if self.write_fd >= 0:
            os.close(self.write_fd)
            self.write_fd = -1

    def drain(self) -> None:
        """Read everything the pipe holds now; complete lines go to ``sink``."""
        if self._closed:
            return
        while True:
            try:
                data = os.read(self.read_fd, 65536)
            except BlockingIOError:
                break
            except OSError:
                data = b""
            if not data:  # every writer is gone
                self._flush_partial()
                self._stop_reading()
                break
            self._take(data)

    def _take(self, data: bytes) -> None:
        data = self._partial + data
        *lines, self._partial = data.split(b"\n")
        self.sink.extend(line.decode("utf-8", "replace") + "\n" for line in lines)

    def _flush_partial(self) -> None:
        if self._partial:
            self.sink.append(self._partial.decode("utf-8", "replace") + "\n")
            self._partial = b""

    def flush(self) -> None:
        """Drain, and count a trailing line without its newline as a line."""
        self.drain()
        self._flush_partial()

    def _stop_reading(self) -> None:
        if not self._closed:
            self._closed = True
            self._loop.remove_reader(self.read_fd)

    def close(self) -> None:
        """Stop reading and close both ends."""
        self._stop_reading()
        for fd in (self.read_fd, self.write_fd):
            if fd >= 0:
                with contextlib.suppress(OSError):
                    os.close(fd)
        self.read_fd = self.write_fd = -1
