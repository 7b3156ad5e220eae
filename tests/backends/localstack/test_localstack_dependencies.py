"""A function's requirements.txt is installed into its package for Lambda's platform, cached,
and served: the handler imports a package this machine's test environment does not have."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import httpx
import pytest
from pytest_apigw_localstack import dependencies
from pytest_apigw_localstack.packaging import package

from pytest_apigw import Function, HttpApi, LambdaProxyIntegration, SpecError

APP = '''
import inflection


def handler(event, context):
    return {"statusCode": 200, "body": inflection.camelize("served_with_dependencies")}
'''


@pytest.fixture
def code(tmp_path: Path, monkeypatch) -> Path:
    monkeypatch.setenv("PYTEST_APIGW_CACHE", str(tmp_path / "cache"))
    folder = tmp_path / "src"
    folder.mkdir()
    (folder / "app.py").write_text(APP)
    (folder / "requirements.txt").write_text("inflection==0.5.1\n")
    return folder


def test_requirements_go_into_the_package_and_are_cached(code: Path) -> None:
    pytest.importorskip("pip")
    with pytest.raises(ImportError):
        __import__("inflection")  # not in the test environment: it must come from the package
    function = Function("Deps", handler="app.handler", code=code)
    built = package(function)
    assert "app.py" in built.files and "inflection.py" in built.files
    assert "requirements.txt" in built.files
    with zipfile.ZipFile(io.BytesIO(built.zip_bytes)) as archive:
        assert "camelize" in archive.read("inflection.py").decode()
    first = dependencies.installed(function)
    assert first is not None and (first / "inflection.py").is_file()
    assert dependencies.installed(function) == first  # cached: no second install


def test_a_requirement_that_cannot_be_installed_is_a_spec_error(code: Path) -> None:
    (code / "requirements.txt").write_text("no-such-package-pytest-apigw-xyz==9.9.9\n")
    function = Function("Broken", handler="app.handler", code=code)
    with pytest.raises(SpecError, match=r"Function 'Broken'.*requirements.txt could not be installed"):
        package(function)


def test_a_function_with_requirements_is_served(code: Path, deploy) -> None:
    function = Function("Deps", handler="app.handler", code=code)
    deployment = deploy(HttpApi("Deps", default_integration=LambdaProxyIntegration(handler=function)))
    response = httpx.get(f"{deployment.url}/x", timeout=60)
    assert response.status_code == 200, response.text
    assert response.text == "ServedWithDependencies"
