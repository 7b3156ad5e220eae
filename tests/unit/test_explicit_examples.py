"""The scripted ``st.data()`` of the conformance cases' explicit examples
(``pytest_apigw/contract/explicit.py``)."""

from __future__ import annotations

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from pytest_apigw.contract import explicit
from pytest_apigw.contract.explicit import Recipe, scripted
from pytest_apigw.errors import SpecError


def test_a_label_is_answered_from_the_script_and_numbered_labels_take_a_list_in_turn() -> None:
    data = scripted({"payload": "2.0", "request": ["a", "b", "c"], "request 1": "own"})
    assert data.draw(st.sampled_from(["2.0", "1.0"]), label="payload") == "2.0"
    drawn = [data.draw(st.text(), label=f"request {i}") for i in range(7)]
    assert drawn == ["a", "own", "c", "c", "c", "c", "c"]  # past the end, the last again


def test_a_draw_the_script_lacks_is_a_spec_error_naming_it() -> None:
    with pytest.raises(SpecError, match=r"draw 'token 0' \(it scripts \['route'\]\): add one"):
        scripted({"route": ["GET /"]}).draw(st.text(), label="token 0")


def test_a_recipe_is_built_with_what_the_case_knows_and_plain_draws_pass_through() -> None:
    data = scripted({"api": Recipe(lambda port: f"api on {port}", "an API on the pool's port"), "n": 3})
    assert explicit.draw(data, st.text(), "api", port=8080) == "api on 8080"
    assert explicit.draw(data, st.integers(), "n", port=8080) == 3
    assert repr(data) == "scripted({'api': Recipe(\"an API on the pool's port\"), 'n': 3})"


seen: list[tuple[str, int]] = []


@given(data=st.data())
@example(data=scripted({"word": "edge", "number": -1}))
def test_hypothesis_runs_the_scripted_example_first(data: st.DataObject) -> None:
    seen.append((data.draw(st.text(), label="word"), data.draw(st.integers(0, 9), label="number")))
    assert seen[0] == ("edge", -1)  # first, whatever is generated after it
