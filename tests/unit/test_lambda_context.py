"""``LambdaContext.aws_request_id`` is made when first read (most handlers never read it): one id
per context, the same on every read, kept by copies, pickles, ``asdict``, ``==`` and ``repr``."""

from __future__ import annotations

import copy
import dataclasses
import pickle
import re

from pytest_apigw_embedded.lambda_runtime.context import LambdaContext

_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}\Z")


def test_the_request_id_is_made_once_when_first_read():
    context = LambdaContext("f", "128", "stream", 1.0)
    first = context.aws_request_id
    assert _UUID.match(first)
    assert context.aws_request_id == first
    assert LambdaContext("f", "128", "stream", 1.0).aws_request_id != first
    assert LambdaContext("f", "128", "stream", 1.0, "given").aws_request_id == "given"


def test_copies_pickles_and_asdict_keep_the_id_even_when_not_read_before():
    for make in (copy.copy, copy.deepcopy, lambda c: pickle.loads(pickle.dumps(c))):
        context = LambdaContext("f", "128", "stream", 1.0, identity={"a": 1})
        twin = make(context)
        assert twin.aws_request_id == context.aws_request_id
        assert twin == context
    context = LambdaContext("f", "128", "stream", 1.0)
    fields = dataclasses.asdict(context)
    assert fields["aws_request_id"] == context.aws_request_id
    assert LambdaContext(**fields) == context
    assert f"aws_request_id={context.aws_request_id!r}" in repr(context)
    assert context != LambdaContext("f", "128", "stream", 1.0)  # another invocation's id
    other = LambdaContext("f", "128", "stream", 1.0)
    assert repr(other).count("aws_request_id=") == 1
    try:
        other.no_such_attribute  # noqa: B018 - the error is what is tested
    except AttributeError as exc:
        assert "no_such_attribute" in str(exc)
    else:
        raise AssertionError("no AttributeError")
