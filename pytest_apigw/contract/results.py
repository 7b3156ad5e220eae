"""Strategies of what a Lambda function returns to a proxy integration (well-formed ones:
the model predicts malformed answers only where the docs say what happens)."""

from __future__ import annotations

import base64
import string
from typing import Any

from hypothesis import strategies as st

_STATUS = st.sampled_from([200, 201, 202, 400, 403, 404, 418, 500, 503])
_NAMES = st.one_of(st.sampled_from(["X-Reply", "x-reply", "Content-Type", "Cache-Control"]),
                   st.text(string.ascii_lowercase, min_size=1, max_size=6).map(lambda s: f"x-{s}"))
_VALUES = st.text(st.characters(min_codepoint=0x21, max_codepoint=0x7E), min_size=1, max_size=12)
_TEXT = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=40)


def _json() -> st.SearchStrategy[Any]:
    scalars = st.one_of(st.none(), st.booleans(), st.integers(-1000, 1000), _TEXT)
    return st.recursive(scalars, lambda inner: st.lists(inner, max_size=3)
                        | st.dictionaries(st.text(string.ascii_letters, max_size=5), inner, max_size=3),
                        max_leaves=8)


@st.composite
def _with_status(draw: st.DrawFn, version: str) -> dict[str, Any]:
    result: dict[str, Any] = {"statusCode": draw(_STATUS)}
    # Names differing only in case (``X-A`` and ``x-a``) are left out: undocumented.
    headers = draw(st.dictionaries(_NAMES, _VALUES, max_size=3).filter(
        lambda h: len({k.lower() for k in h}) == len(h)))
    if headers:
        result["headers"] = headers
    if version == "2.0":
        cookies = draw(st.lists(st.builds("{}={}".format, st.text(string.ascii_letters, min_size=1,
                                                                     max_size=5), _VALUES), max_size=2))
        if cookies:
            result["cookies"] = cookies
    else:
        multi = draw(st.dictionaries(st.sampled_from(["x-multi", "x-reply"]),
                                     st.lists(_VALUES, min_size=1, max_size=2), max_size=1))
        if multi:
            result["multiValueHeaders"] = multi
    if draw(st.booleans()):
        result["body"] = base64.b64encode(draw(st.binary(max_size=64))).decode()
        result["isBase64Encoded"] = True
    elif draw(st.booleans()):
        result["body"] = draw(_TEXT)
    return result


def lambda_results(*, payload_format_version: str = "2.0") -> st.SearchStrategy[Any]:
    """2.0: JSON values without ``statusCode`` and full responses; 1.0: full responses and
    objects without ``statusCode`` (an error per the docs)."""
    no_status = _json().filter(lambda v: not (isinstance(v, dict) and "statusCode" in v))
    return st.one_of(no_status, _with_status(payload_format_version))
