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


def _cdk_fixture():
    import aws_cdk  # noqa: F401 - only named: the grouping reads the code, never runs it


def _plain_fixture():
    return 1


def test_tests_building_cdk_stacks_are_grouped_through_their_code_or_fixtures() -> None:
    def by_name():
        from aws_cdk import aws_lambda  # noqa: F401

    def by_importorskip():
        import pytest
        pytest.importorskip("aws_cdk")

    def plain():
        return "aws"

    fixtures = {"stack": [SimpleNamespace(func=_cdk_fixture)], "tmp": [SimpleNamespace(func=_plain_fixture)]}

    def item(function, *names: str) -> SimpleNamespace:
        return SimpleNamespace(function=function, fixturenames=list(names),
                               _fixtureinfo=SimpleNamespace(name2fixturedefs=fixtures))

    assert conftest._uses_cdk(item(by_name)) and conftest._uses_cdk(item(by_importorskip))
    assert conftest._uses_cdk(item(plain, "tmp", "stack"))
    assert not conftest._uses_cdk(item(plain, "tmp")) and not conftest._uses_cdk(item(plain))


def test_a_lost_group_suffix_is_written_into_the_structured_node_id() -> None:
    """pytest 9.2 reads node ids from ``item._id``; xdist 3.8 writes ``item._nodeid`` only."""
    from _pytest.nodeid import NodeId

    class Item(SimpleNamespace):
        @property
        def nodeid(self) -> str:
            return str(self._id)

    grouped, plain, done = (Item(_id=NodeId.parse(f"tests/t.py::{name}"), marks=marks)
                            for name, marks in (("a[x]", ["cdk"]), ("b", []), ("c@cdk", ["cdk"])))
    for item in (grouped, plain, done):
        item.iter_markers = lambda name, item=item: [SimpleNamespace(args=(group,), kwargs={})
                                                     for group in item.marks]
    conftest._GroupsInNodeIds().pytest_collection_modifyitems([grouped, plain, done])
    assert [grouped.nodeid, plain.nodeid, done.nodeid] == ["tests/t.py::a[x]@cdk", "tests/t.py::b",
                                                           "tests/t.py::c@cdk"]
