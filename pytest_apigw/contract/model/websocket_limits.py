"""WebSocket size limits (AWS, "Quotas for configuring and running a WebSocket API in API Gateway",
``apigateway-execution-service-websocket-limits-table``: "WebSocket frame size 32 KB", "Message
payload size 128 KB"; ``/work/shared/reference/apigw-v2.md``: "frame 32 KB, message 128 KB (over:
close 1009)").

A client message is sent as one or more frames (``fragments``: the size of each, in bytes). The
model predicts, per message, the fields the case compares:

- ``close``: ``1009`` when any frame is over 32,768 bytes, or the whole message over 131,072
  bytes (``docs/limits.md``: AWS documents the limits; the close code past them is the one
  RFC 6455 names "Message Too Big", and the one ``docs/limits.md`` chose); ``None``: the
  connection stays open;
- ``routed``: whether the route's integration saw the message (never past a limit);
- ``size``: the message's size as the integration saw it (``None`` when not routed).
"""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import strategies as st

MAX_FRAME = 32 * 1024
MAX_MESSAGE = 128 * 1024
CLOSE_TOO_BIG = 1009


@dataclass(frozen=True)
class SizedMessage:
    """A text message of ``sum(fragments)`` ASCII bytes, sent as one frame per fragment."""

    fragments: tuple[int, ...]

    @property
    def size(self) -> int:
        """The message's size in bytes."""
        return sum(self.fragments)

    def __str__(self) -> str:
        return f"{self.size} bytes in frames {list(self.fragments)}"


@dataclass(frozen=True)
class LimitOutcome:
    """What the client and the route see of one message (the fields compared)."""

    close: int | None
    routed: bool
    size: int | None


def websocket_limit_outcome(message: SizedMessage) -> tuple[LimitOutcome, str]:
    """``(the predicted outcome, why)`` for ``message``."""
    biggest = max(message.fragments)
    if biggest > MAX_FRAME:
        return LimitOutcome(CLOSE_TOO_BIG, False, None), f"a frame of {biggest} bytes, the limit {MAX_FRAME}"
    if message.size > MAX_MESSAGE:
        return (LimitOutcome(CLOSE_TOO_BIG, False, None),
                f"a message of {message.size} bytes, the limit {MAX_MESSAGE}")
    return LimitOutcome(None, True, message.size), "within the frame and message limits"


def _split(total: int, frames: int) -> tuple[int, ...]:
    share, rest = divmod(total, frames)
    return tuple(share + (1 if i < rest else 0) for i in range(frames))


_EDGE = st.sampled_from([1, MAX_FRAME - 1, MAX_FRAME, MAX_FRAME + 1])


def sized_messages() -> st.SearchStrategy[SizedMessage]:
    """Messages around the limits: frames around 32 KB (one or several), and messages around
    128 KB split into frames within the frame limit (4 or 5 frames)."""
    frames = st.lists(st.one_of(_EDGE, st.integers(1, MAX_FRAME + 64)), min_size=1, max_size=4)
    around_message = st.builds(
        _split, st.sampled_from([MAX_MESSAGE - 1, MAX_MESSAGE, MAX_MESSAGE + 1, MAX_MESSAGE + 100]),
        st.sampled_from([5, 8]))
    return st.one_of(frames.map(tuple), around_message).map(SizedMessage)
