"""Small writes straight to a plain TCP socket, letting go of the GIL while the reader wakes.

uvloop's ``transport.write`` keeps the GIL through the ``write`` system call (and a small write
waits for the end of the loop iteration). On loopback the kernel wakes the reading thread inside
that call; when the reader is in this process (a test's client, an upstream server on a loop
thread), it wakes only to wait for the GIL the writer still holds: one context switch or more per
write. ``os.write`` lets go of the GIL around the call. Measured on the HTTP proxy path (client,
gateway and upstream in one process, 2 busy cores, ``benchmarks/profile_http_proxy.py``):
context switches per request 9.2 → 6.4 with the gateway's two writes made this way.

Used only when the transport is open, has nothing buffered (bytes stay in order) and speaks plain TCP (a
TLS transport encrypts in user space: it keeps its own writes); what the kernel does not take at
once, and any error, goes through ``transport.write``, which reports the error its usual way.
"""

from __future__ import annotations

import os
from typing import Any


def socket_fd(transport: Any) -> int:
    """The descriptor of ``transport``'s plain TCP socket; ``-1`` when it has none or uses TLS."""
    if any(transport.get_extra_info(tls) is not None for tls in ("sslcontext", "ssl_object")):
        return -1
    sock = transport.get_extra_info("socket")
    return sock.fileno() if sock is not None else -1


def write(transport: Any, fd: int, data: bytes) -> None:
    """Write ``data`` to ``transport`` (whose :func:`socket_fd` is ``fd``), directly when it can."""
    # A closing transport's descriptor may already be closed and its number reused by another
    # connection: only the transport may write (it ignores writes once closed).
    if fd < 0 or transport.is_closing() or transport.get_write_buffer_size():
        transport.write(data)
        return
    try:
        sent = os.write(fd, data)
    except OSError:  # would block, reset, closed: the transport's own write deals with it
        sent = 0
    if sent < len(data):
        transport.write(data[sent:] if sent else data)
