"""A function's own modules (``lambda_runtime/function_modules.py``), over HTTP: module-level
state of an in-process handler and of its code's modules does not carry over into the next
deployment, while a live deployment stays warm and a module the test imported itself is shared;
each function's handler gets the helper modules of its own folder.

Each test writes its own code folder with module names unique to it (one interpreter, one
``sys.modules`` for the whole session).
"""

from __future__ import annotations

import importlib
import json
import logging
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from pytest_apigw import Function, HttpApi, LambdaProxyIntegration, SpecError
from tests.support.files import write_tree
from tests.support.moto_aws import mocked_aws  # noqa: F401 - the fixture


def _code(tmp_path: Path) -> dict[str, Any]:
    """``app.handler`` counting its calls in its own module, in a helper module of its code, in a
    library vendored into its code (with its ``*.dist-info``) and in a module outside its code."""
    uid = uuid.uuid4().hex[:10]
    helper, vendored, outside = f"helper_{uid}", f"vend_{uid}", f"outside_{uid}"
    code = write_tree(tmp_path / "code", {
        "app.py": "\n".join([
            "import json, logging", f"import {helper}, {vendored}, {outside}", "COUNT = 0",
            f"logging.getLogger('cold_{uid}').addHandler(logging.NullHandler())", "",
            "def handler(event, context):",
            "    global COUNT",
            "    COUNT += 1",
            f"    {helper}.COUNT += 1",
            f"    {vendored}.COUNT += 1",
            f"    {outside}.COUNT += 1",
            f"    counts = [COUNT, {helper}.COUNT, {vendored}.COUNT, {outside}.COUNT]",
            f"    body = {{'counts': counts, 'value': {helper}.VALUE}}",
            "    return {'statusCode': 200, 'body': json.dumps(body)}",
            "",
        ]),
        f"{helper}.py": "COUNT = 0\nVALUE = 'as written'\n",
        f"{vendored}/__init__.py": "COUNT = 0\n",
        f"{vendored}-1.0.dist-info/METADATA": f"Metadata-Version: 2.1\nName: {vendored}\nVersion: 1.0\n",
        f"{vendored}-1.0.dist-info/RECORD": (f"{vendored}/__init__.py,,\n"
                                             f"{vendored}-1.0.dist-info/METADATA,,\n"),
    })
    elsewhere = write_tree(tmp_path / "elsewhere", {f"{outside}.py": "COUNT = 0\n"})
    return {"code": code, "elsewhere": elsewhere, "helper": helper, "vendored": vendored, "outside": outside,
            "logger": logging.getLogger(f"cold_{uid}")}


@pytest.fixture
def code(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Any]]:
    made = _code(tmp_path)
    monkeypatch.syspath_prepend(str(made["elsewhere"]))
    yield made
    for name in (made["helper"], made["vendored"], made["outside"]):
        sys.modules.pop(name, None)


def _api(function: Function) -> HttpApi:
    api = HttpApi("Cold")
    api.add_routes(path="/count", integration=LambdaProxyIntegration(handler=function))
    return api


def _counts(deployment: Any) -> list[int]:
    response = httpx.get(f"{deployment.url}/count", timeout=30)
    assert response.status_code == 200, response.text
    return json.loads(response.text)["counts"]


def _app(tmp_path: Path, lines: list[str]) -> Path:
    """A code folder whose ``app.py`` is ``lines``."""
    return write_tree(tmp_path / "code", {"app.py": "\n".join([*lines, ""])})


@contextmanager
def _cold(apigw: Any, code: Path) -> Iterator[Any]:
    """A new function of ``code`` (``app.handler``) deployed for a block: a cold start."""
    with apigw.deployed(_api(Function("Cold", handler="app.handler", code=code))) as deployment:
        yield deployment


def test_a_new_deployment_starts_cold_and_a_live_one_stays_warm(apigw, code) -> None:
    """The handler's module and its code's helper start afresh with each deployment (a new
    ``Function`` from the same code, as a test loading its template again gets, or the same
    one deployed again); a vendored library and a module outside the code are kept, imported
    once (libraries, compiled ones among them, are never imported twice). The logging handler
    the handler's module adds as it is imported goes with it (one at a time, never two), and its
    code folder leaves ``sys.path``."""
    def function() -> Function:
        return Function("Counter", handler="app.handler", code=code["code"])

    with apigw.deployed(_api(function())) as first:
        assert _counts(first) == [1, 1, 1, 1]
        assert _counts(first) == [2, 2, 2, 2]  # warm: the same instance's module state
        assert len(code["logger"].handlers) == 1
    assert code["helper"] not in sys.modules and not code["logger"].handlers
    assert str(code["code"]) not in sys.path  # a later `import helper_...` finds nothing of it
    again = function()
    with apigw.deployed(_api(again)) as second:
        assert _counts(second) == [1, 1, 3, 3]
        assert len(code["logger"].handlers) == 1
    with apigw.deployed(_api(again)) as third:  # the same Function, deployed once more
        assert _counts(third) == [1, 1, 4, 4]
    assert code["vendored"] in sys.modules and code["outside"] in sys.modules


def test_a_module_the_test_imported_first_is_shared_and_patchable(apigw, code, monkeypatch) -> None:
    """A code module the test imported before deploying is the test's: the handler uses that
    very module (patching it reaches the handler), and the teardown leaves it in place."""
    monkeypatch.syspath_prepend(str(code["code"]))
    helper = importlib.import_module(code["helper"])
    monkeypatch.setattr(helper, "VALUE", "patched by the test")
    with apigw.deployed(_api(Function("Patched", handler="app.handler", code=code["code"]))) as deployment:
        body = httpx.get(f"{deployment.url}/count", timeout=30).json()
        assert body["value"] == "patched by the test"
        assert body["counts"][:2] == [1, 1]
    assert sys.modules[code["helper"]] is helper and helper.COUNT == 1
    assert str(code["code"]) in sys.path  # the test put it there: it stays
    with apigw.deployed(_api(Function("Patched", handler="app.handler", code=code["code"]))) as deployment:
        assert _counts(deployment)[:2] == [1, 2]  # a new handler module, the test's helper


def test_two_functions_of_one_code_keep_their_own_handler_module_and_share_its_imports(apigw, code) -> None:
    """Two functions of the same code (two loads of one template, or three WebSocket routes'
    handlers in one file) never share the handler module's state, as two Lambda functions never
    share memory; the code's modules it imports by name are shared in-process while either is
    deployed (the first one's teardown leaves them to the second, and to a function deployed
    meanwhile), and the next deployment after the last is cold."""
    def function(name: str) -> Function:
        return Function(name, handler="app.handler", code=code["code"])

    with apigw.deployed(_api(function("One"))) as one:
        two = apigw.deploy(_api(function("Two")))
        assert _counts(one)[:2] == [1, 1]
        assert _counts(two)[:2] == [1, 2]
    with apigw.deployed(_api(function("Three"))) as three:  # "One" is gone, "Two" still serves
        assert _counts(three)[:2] == [1, 3]
    assert _counts(two)[:2] == [2, 4]
    apigw.teardown()
    with apigw.deployed(_api(function("Four"))) as four:
        assert _counts(four)[:2] == [1, 1]


def _folder(root: Path, who: str, common: str) -> Path:
    """A function folder whose handler answers what its own ``common`` module says."""
    return write_tree(root, {
        "app.py": f"import json\nimport {common}\n\ndef handler(event, context):\n"
                  f"    return {{'statusCode': 200, 'body': json.dumps({common}.WHO)}}\n",
        f"{common}.py": f"WHO = {who!r}\n",
    })


def test_each_function_gets_the_modules_of_its_own_folder(apigw, tmp_path) -> None:
    """Two functions whose folders both hold a ``common.py`` (as CDK and SAM projects lay them
    out): each handler gets its own folder's, deployed together or one after the other, whatever
    the order of the folders on ``sys.path``."""
    common = f"common_{uuid.uuid4().hex[:10]}"
    first = Function("First", handler="app.handler", code=_folder(tmp_path / "first", "first", common))
    second = Function("Second", handler="app.handler", code=_folder(tmp_path / "second", "second", common))
    api = HttpApi("Folders")
    api.add_routes(path="/first", integration=LambdaProxyIntegration(handler=first))
    api.add_routes(path="/second", integration=LambdaProxyIntegration(handler=second))
    try:
        with apigw.deployed(api) as deployment:
            assert httpx.get(f"{deployment.url}/first", timeout=30).json() == "first"
            assert httpx.get(f"{deployment.url}/second", timeout=30).json() == "second"
        alone = Function("Alone", handler="app.handler", code=_folder(tmp_path / "alone", "alone", common))
        with apigw.deployed(_api(alone)) as deployment:
            assert httpx.get(f"{deployment.url}/count", timeout=30).json() == "alone"
        # the first folder again, now behind the later ones on sys.path: its own still
        again = Function("Again", handler="app.handler", code=first.code)
        with apigw.deployed(_api(again)) as deployment:
            assert httpx.get(f"{deployment.url}/count", timeout=30).json() == "first"
    finally:
        sys.modules.pop(common, None)


def test_another_module_the_test_imported_under_that_name_is_a_warning(apigw, tmp_path, monkeypatch) -> None:
    """The test imported a ``common`` of its own (another file) before deploying a function whose
    folder has one: in-process the handler gets the test's, and a warning at deploy says so."""
    common = f"common_{uuid.uuid4().hex[:10]}"
    tests_own = write_tree(tmp_path / "tests_own", {f"{common}.py": "WHO = 'the test'\n"})
    monkeypatch.syspath_prepend(str(tests_own))
    importlib.import_module(common)
    try:
        code = _folder(tmp_path / "fn", "its own", common)
        function = Function("Shadowed", handler="app.handler", code=code)
        with pytest.warns(RuntimeWarning, match=rf"Function 'Shadowed': the function's own module '{common}' "
                                                r".* is already imported in the test process"):
            deployment = apigw.deploy(_api(function))
        assert httpx.get(f"{deployment.url}/count", timeout=30).json() == "the test"
    finally:
        sys.modules.pop(common, None)


def test_a_failed_import_leaves_none_of_the_functions_modules(apigw, tmp_path) -> None:
    """A handler module that fails as it loads is a ``SpecError`` at deploy, and the modules of
    its code it imported before failing are not left behind: fixed, it deploys from scratch."""
    helper = f"helper_{uuid.uuid4().hex[:10]}"
    code = write_tree(tmp_path / "code", {
        "app.py": f"import {helper}\nraise RuntimeError('broken at import')\n",
        f"{helper}.py": "VALUE = 'first version'\n",
    })
    with pytest.raises(SpecError, match="broken at import"):
        apigw.deploy(_api(Function("Broken", handler="app.handler", code=code)))
    assert helper not in sys.modules
    write_tree(code, {
        "app.py": f"import json, {helper}\n\ndef handler(event, context):\n"
                  f"    return {{'statusCode': 200, 'body': json.dumps({helper}.VALUE)}}\n",
        f"{helper}.py": "VALUE = 'fixed'\n",
    })
    with apigw.deployed(_api(Function("Fixed", handler="app.handler", code=code))) as deployment:
        assert httpx.get(f"{deployment.url}/count", timeout=30).json() == "fixed"
    assert helper not in sys.modules


def test_each_function_gets_the_package_of_its_own_folder(apigw, tmp_path) -> None:
    """The same with the handler in a package (``handlers.app.handler``, imported by its own name):
    each function gets its folder's ``handlers`` package and the modules in it."""
    package = f"handlers_{uuid.uuid4().hex[:10]}"
    api = HttpApi("Packages")
    for who in ("first", "second"):
        code = write_tree(tmp_path / who, {
            f"{package}/__init__.py": "",
            f"{package}/util.py": f"WHO = {who!r}\n",
            f"{package}/app.py": f"import json\nfrom {package} import util\n\ndef handler(event, context):\n"
                                 "    return {'statusCode': 200, 'body': json.dumps(util.WHO)}\n",
        })
        function = Function(who.title(), handler=f"{package}.app.handler", code=code)
        api.add_routes(path=f"/{who}", integration=LambdaProxyIntegration(handler=function))
    try:
        with apigw.deployed(api) as deployment:
            assert httpx.get(f"{deployment.url}/first", timeout=30).json() == "first"
            assert httpx.get(f"{deployment.url}/second", timeout=30).json() == "second"
        assert not [name for name in sys.modules if name.startswith(package)]  # cold next time
    finally:
        for name in [name for name in sys.modules if name.startswith(package)]:
            del sys.modules[name]


def test_what_a_handler_puts_on_sys_path_as_it_loads_goes_with_its_deployment(apigw, tmp_path) -> None:
    """``sys.path.insert(0, .../vendor)`` in a handler module (a common way to load libraries
    shipped beside the code): on the path while a deployment uses the function, off it after,
    so the next test's imports do not find the torn-down function's libraries."""
    uid = uuid.uuid4().hex[:10]
    code = write_tree(tmp_path / "code", {
        "app.py": "\n".join([
            "import os, sys",
            "sys.path.insert(0, os.path.join(os.path.dirname(__file__), 'vendor'))",
            f"import lib_{uid}",
            "",
            "def handler(event, context):",
            f"    return {{'statusCode': 200, 'body': lib_{uid}.NAME}}",
            "",
        ]),
        f"vendor/lib_{uid}.py": "NAME = 'from vendor'\n",
    })
    vendor = str(code / "vendor")
    function = Function("Vendoring", handler="app.handler", code=code)
    with apigw.deployed(_api(function)) as deployment:
        assert httpx.get(f"{deployment.url}/count").text == "from vendor"
        assert vendor in sys.path
    assert vendor not in sys.path


def test_a_powertools_logger_starts_cold_in_every_deployment(apigw, tmp_path) -> None:
    """Powertools' ``Logger()`` marks the logging logger it configures (``powertools_handler``)
    and, finding the mark, reuses the logger's first handler: the handler taken off at the cold
    start goes with its mark, so the second test's deployment imports the module again cleanly
    (it raised ``IndexError`` at deploy)."""
    uid = uuid.uuid4().hex[:10]
    code = _app(tmp_path, [
        "from aws_lambda_powertools import Logger",
        f"logger = Logger(service='svc_{uid}')",
        "",
        "@logger.inject_lambda_context",
        "def handler(event, context):",
        "    logger.info('handled')",
        "    return {'statusCode': 200, 'body': 'ok'}",
    ])
    for _ in range(2):
        with _cold(apigw, code) as deployment:
            assert httpx.get(f"{deployment.url}/count").text == "ok"
    assert not logging.getLogger(f"svc_{uid}").handlers


def test_the_root_logger_level_a_handler_sets_goes_back_after_its_deployment(apigw, tmp_path) -> None:
    """``logging.getLogger().setLevel("INFO")`` at module level (AWS's own example handler): the
    test process's root logger gets its level back when the deployment is torn down, so a later
    test's ``caplog`` sees what it would have seen."""
    root = logging.getLogger()
    before = root.level
    target = logging.DEBUG if before != logging.DEBUG else logging.ERROR
    code = _app(tmp_path, [
        "import logging",
        f"logging.getLogger().setLevel({target})",
        "",
        "def handler(event, context):",
        "    return {'statusCode': 200, 'body': str(logging.getLogger().level)}",
    ])
    with _cold(apigw, code) as deployment:
        assert httpx.get(f"{deployment.url}/count").text == str(target)
    assert root.level == before


def test_each_deployments_first_call_is_a_cold_start_for_powertools_too(apigw, tmp_path) -> None:
    """Powertools keeps its cold-start flag in a module global of the library (imported once per
    test process): each new deployment's first call logs ``cold_start: true`` again, the next
    ones ``false``, whatever ran before."""
    code = _app(tmp_path, [
        "import json",
        "from aws_lambda_powertools import Logger",
        f"logger = Logger(service='cold_{uuid.uuid4().hex[:10]}')",
        "",
        "@logger.inject_lambda_context",
        "def handler(event, context):",
        "    return {'statusCode': 200, 'body': json.dumps(logger.get_current_keys()['cold_start'])}",
    ])
    for _ in range(2):
        with _cold(apigw, code) as deployment:
            assert [httpx.get(f"{deployment.url}/count").json() for _ in range(2)] == [True, False]


@pytest.mark.usefixtures("mocked_aws")
def test_a_powertools_parameter_cached_in_one_deployment_is_read_again_in_the_next(apigw, tmp_path) -> None:
    """Powertools keeps fetched parameters 5 s in a cache of the library's: a new deployment
    starts with an empty one, as a new Lambda environment does, so the next test's value (put in
    moto's SSM) is the one its handler reads."""
    import boto3

    name = f"/app/flag-{uuid.uuid4().hex[:8]}"
    code = _app(tmp_path, [
        "from aws_lambda_powertools.utilities import parameters",
        "",
        "def handler(event, context):",
        f"    return {{'statusCode': 200, 'body': parameters.get_parameter({name!r})}}",
    ])
    ssm = boto3.client("ssm")
    for value in ("on", "off"):
        ssm.put_parameter(Name=name, Value=value, Type="String", Overwrite=True)
        with _cold(apigw, code) as deployment:
            assert httpx.get(f"{deployment.url}/count").text == value
