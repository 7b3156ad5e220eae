"""Strategies for requests around the HTTP API size limits (head 10,240 bytes, body 10 MB)."""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import strategies as st

TEN_MB = 10 * 1024 * 1024


@dataclass(frozen=True)
class SizedRequest:
    """A request padded with an ``x-pad`` header of ``pad`` bytes (split over ``headers``
    headers) and a body of ``body`` bytes."""

    pad: int
    headers: int
    body: int


def sized_requests() -> st.SearchStrategy[SizedRequest]:
    """Heads from small to well past 10,240 bytes, in one or several headers, without a body
    (a gateway may stop reading at the head); otherwise bodies small or just past 10 MB (a
    passing body stays small: the echo probe returns it)."""
    small = st.integers(0, 64 * 1024)
    bodies = st.one_of(small, small, small, st.integers(TEN_MB + 1, TEN_MB + 4096))
    big_heads = st.builds(SizedRequest, st.integers(9_000, 11_500), st.integers(1, 4), st.just(0))
    return st.one_of(big_heads, st.builds(SizedRequest, st.integers(0, 2000), st.integers(1, 4), bodies))
