"""Functions sharing a module name (``index.handler``) in different code folders never shadow
each other: each is loaded from its own file."""

from __future__ import annotations

from pytest_apigw import Function


def _code(folder, text):
    folder.mkdir()
    (folder / "index.py").write_text(text)
    return folder


def test_same_module_name_in_two_folders(tmp_path):
    one = Function("One", handler="index.handler", code=_code(
        tmp_path / "one", "def handler(e, c): return 1"))
    two = Function("Two", handler="index.handler", code=_code(
        tmp_path / "two", "def handler(e, c): return 2"))
    assert one.resolve()(None, None) == 1
    assert two.resolve()(None, None) == 2
    assert one.resolve()(None, None) == 1          # loaded once, still its own
    assert one.resolve() is one.resolve()


def test_a_handler_module_imports_its_siblings(tmp_path):
    code = _code(tmp_path / "app",
                 "from helpers_for_modules_test import VALUE\ndef handler(e, c): return VALUE")
    (code / "helpers_for_modules_test.py").write_text("VALUE = 'sibling'")
    assert Function("App", handler="index.handler", code=code).resolve()(None, None) == "sibling"
