"""The project's own test order (root ``conftest.py``, issue 13): modules with long tests first,
each module's tests kept together, the order otherwise unchanged."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import SimpleNamespace

# loaded by path: the module name ``conftest`` belongs to whichever conftest pytest imported last
ROOT_CONFTEST = Path(__file__).parents[2] / "conftest.py"
_SPEC = importlib.util.spec_from_file_location("apigw_root_conftest", ROOT_CONFTEST)
assert _SPEC is not None and _SPEC.loader is not None
conftest = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(conftest)


def _item(module: str, name: str, *fixtures: str, slow: bool = False) -> SimpleNamespace:
    return SimpleNamespace(
        module=module, name=name, fixturenames=list(fixtures), nodeid=f"tests/{module}.py::{name}",
        get_closest_marker=lambda marker: object() if slow and marker == "slow" else None,
    )


def test_modules_with_long_tests_come_first_and_stay_together() -> None:
    items = [
        _item("unit", "a"), _item("unit", "b"),
        _item("plugin", "c"), _item("plugin", "d", "pytester"),
        _item("embedded", "e"),
        _item("leaks", "f", slow=True),
        _item("localstack", "g", "ministack"), _item("localstack", "h", "localstack"),
    ]
    conftest.pytest_collection_modifyitems(None, items)
    assert [i.name for i in items] == ["c", "d", "f", "g", "h", "a", "b", "e"]


def test_short_tests_are_left_in_their_order() -> None:
    items = [_item("m1", "a", "tmp_path"), _item("m2", "b"), _item("m1", "c")]
    conftest.pytest_collection_modifyitems(None, items)
    assert [i.name for i in items] == ["a", "b", "c"]


def test_modules_known_to_take_seconds_come_first() -> None:
    items = [_item("unit", "a"), SimpleNamespace(module="timeouts", name="t", fixturenames=[],
                                                 nodeid="pytest_apigw/contract/test_timeouts.py::t",
                                                 get_closest_marker=lambda marker: None)]
    conftest.pytest_collection_modifyitems(None, items)
    assert [i.name for i in items] == ["t", "a"]
