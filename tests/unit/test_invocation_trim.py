"""``Invocation.trimmed`` leaves a short body alone without calling ``_cut_body`` (the usual
request): it must size and cut exactly as cutting every body through ``_cut_body`` does."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from pytest_apigw.invocations import KEEP_CHARS, Invocation, _cut_body

_SIZES = (0, 1, KEEP_CHARS - 1, KEEP_CHARS, KEEP_CHARS + 1)
_BODIES = st.one_of(st.none(), st.integers(), st.sampled_from(_SIZES).map(lambda n: "b" * n))


def _payload(body: Any, other: int) -> dict[str, Any]:
    return {"body": body, "x": other} if body != "absent" else {"x": other}


_PAYLOADS = st.one_of(st.none(), st.text(max_size=3), st.integers(),
                      st.builds(_payload, st.one_of(_BODIES, st.just("absent")), st.integers()))


def _reference(event: Any, result: Any) -> tuple[int, Any, Any]:
    """The size and the kept event and result, every dict through ``_cut_body``."""
    size = len("GET /")
    if event is not None:
        size += 2048
        if isinstance(event, dict):
            event, kept = _cut_body(event)
            size += kept
    if result is not None:
        if isinstance(result, dict):
            result, kept = _cut_body(result)
            size += 512 + kept
        elif isinstance(result, str):
            size += len(result)
        else:
            size += 512
    return size, event, result


@given(event=_PAYLOADS, result=_PAYLOADS)
def test_trimmed_sizes_and_cuts_as_cutting_every_body_does(event, result):
    record = Invocation("api", "$default", "GET /", event=event, result=result)
    size = record.trimmed()
    assert (size, record.event, record.result) == _reference(event, result)
    if isinstance(event, dict) and isinstance(event.get("body"), str) and len(event["body"]) <= KEEP_CHARS:
        assert record.event is event  # kept as it was, not copied
