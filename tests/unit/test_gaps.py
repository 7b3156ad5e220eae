"""Declared gaps are matched per field, under their conditions; backends can name the fields of
gaps of their own (``gap_fields``)."""

from __future__ import annotations

from types import SimpleNamespace

from pytest_apigw import capabilities
from pytest_apigw.contract.gaps import Gaps, explains
from pytest_apigw.contract.model.expect import ABSENT, Diff
from pytest_apigw.strategies import HttpRequest


def test_a_gap_excuses_its_fields_only():
    gaps = Gaps(SimpleNamespace(capability_gaps={capabilities.STAGE_VARIABLES: "dropped"}))
    diffs = [Diff("stageVariables", {"a": "1"}, None), Diff("routeKey", "GET /a", "$default")]
    left = gaps.unexplained(diffs)
    assert [d.where for d in left] == ["routeKey"]
    assert gaps.met == {capabilities.STAGE_VARIABLES: ["stageVariables"]}


def test_a_conditional_gap_needs_its_condition():
    diff = Diff("headers.x-a", "1,2", "1, 2")
    once = HttpRequest("GET", "/", headers=(("x-a", "1"),))
    twice = HttpRequest("GET", "/", headers=(("x-a", "1"), ("X-A", "2")))
    assert not explains(capabilities.REPEATED_VALUES, diff, once)
    assert explains(capabilities.REPEATED_VALUES, diff, twice)
    empty = Diff("pathParameters", ABSENT, None)
    assert explains(capabilities.EVENT_EMPTY_PARTS, empty)
    assert not explains(capabilities.EVENT_EMPTY_PARTS, Diff("pathParameters", {"id": "1"}, None))


def test_a_payload_gap_is_another_reading_not_a_blank_cheque():
    gaps = Gaps(SimpleNamespace(capability_gaps={capabilities.PAYLOAD_V1: "2.0 events"}))
    as_v1 = [Diff("version", "1.0", "2.0"), Diff("path", "/a", None), Diff("httpMethod", "GET", None)]
    # an unrelated difference shows in the 2.0 reading too: it stays
    assert gaps.reading(capabilities.PAYLOAD_V1, as_v1, lambda: [Diff("stageVariables", {"a": "1"}, None)]) \
        == [Diff("stageVariables", {"a": "1"}, None)]
    assert gaps.reading(capabilities.PAYLOAD_V1, as_v1, lambda: []) == []
    assert capabilities.PAYLOAD_V1 in gaps.met
    # a backend without the gap is judged on the documented reading only
    strict = Gaps(SimpleNamespace(capability_gaps={}))
    assert strict.reading(capabilities.PAYLOAD_V1, as_v1, lambda: []) == as_v1


def test_backends_name_the_fields_of_their_own_gaps():
    fields = {"my.trace_header": ["headers.x-amzn-trace-id", "multiValueHeaders.x-*"]}
    backend = SimpleNamespace(capability_gaps={"my.trace_header": "no trace header"}, gap_fields=fields)
    gaps = Gaps(backend)
    left = gaps.unexplained([Diff("headers.x-amzn-trace-id", "PRESENT", None),
                             Diff("multiValueHeaders.x-b", ["1"], None), Diff("body", "a", "b")])
    assert [d.where for d in left] == ["body"]
    # a gap that names no field excuses nothing
    assert Gaps(SimpleNamespace(capability_gaps={"my.other": "?"})).unexplained([Diff("body", "a", "b")]) \
        == [Diff("body", "a", "b")]
