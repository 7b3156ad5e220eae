"""Clear errors: no endpoint, an unknown endpoint, no Docker engine, unshippable handlers."""

from __future__ import annotations

import zipfile
from io import BytesIO

import localstack_handlers as handlers
import pytest
from pytest_apigw_localstack import endpoint, packaging
from pytest_apigw_localstack.backend import LocalStackBackend
from pytest_apigw_localstack.ministack import free_port

from pytest_apigw import BackendUnavailable, Function, HttpApi, HttpMethod, LambdaProxyIntegration, SpecError


def test_endpoint_order() -> None:
    env = {"AWS_ENDPOINT_URL": "http://env:1", "LOCALSTACK_HOST": "lshost"}
    assert endpoint.configured("opt:2", env) == endpoint.Endpoint("http://opt:2", "--apigw-endpoint")
    assert endpoint.configured(None, env).url == "http://env:1"
    assert endpoint.configured(None, {"LOCALSTACK_HOST": "lshost"}).url == "http://lshost:4566"
    assert endpoint.configured(None, {"LOCALSTACK_HOST": "h:4599"}).url == "http://h:4599"
    assert endpoint.configured(None, {}) is None


def test_unknown_endpoint_is_a_clear_backend_unavailable() -> None:
    url = f"http://127.0.0.1:{free_port()}"
    with pytest.raises(BackendUnavailable) as info:
        LocalStackBackend(endpoint=url).start()
    message = str(info.value)
    assert url in message and "/_localstack/health" in message
    assert "--apigw-endpoint" in message and "ministack" in message
    assert "[endpoint from --apigw-endpoint]" in message


def test_no_endpoint_and_no_docker_says_so_plainly(monkeypatch) -> None:
    for name in ("AWS_ENDPOINT_URL", "LOCALSTACK_HOST"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DOCKER_HOST", f"tcp://127.0.0.1:{free_port()}")
    with pytest.raises(BackendUnavailable) as info:
        LocalStackBackend().start()
    message = str(info.value)
    assert "no endpoint is set" in message and "Docker" in message
    assert "Traceback" not in message and len(message.splitlines()) == 1
    assert info.value.__cause__ is None


def test_closure_handler_is_a_clear_error(deploy, aws) -> None:
    def handler(event, context):
        return {"statusCode": 200}

    before = {a["ApiId"] for a in aws.apigatewayv2.get_apis()["Items"]}
    api = HttpApi("Closure")
    api.add_routes(path="/x", methods=[HttpMethod.GET], integration=LambdaProxyIntegration(handler=handler))
    with pytest.raises(SpecError, match=r"Function 'handler'.*defined inside a function.*module level"):
        deploy(api)
    assert {a["ApiId"] for a in aws.apigatewayv2.get_apis()["Items"]} == before  # nothing created


@pytest.mark.parametrize("handler", [lambda e, c: None, print], ids=["lambda", "builtin"])
def test_other_unshippable_handlers(handler) -> None:
    with pytest.raises(SpecError, match="cannot be shipped"):
        packaging.handler_name(Function("F", handler=handler))


def test_module_level_handler_is_zipped_with_its_module() -> None:
    built = packaging.package(Function("F", handler=handlers.echo))
    assert built.handler == "localstack_handlers.echo"
    assert built.files == ("localstack_handlers.py",)
    assert zipfile.ZipFile(BytesIO(built.zip_bytes)).read("localstack_handlers.py").startswith(b'"""')
    assert packaging.package(Function("F", handler=handlers.echo)).zip_bytes == built.zip_bytes


def test_string_handler_with_code_directory(tmp_path) -> None:
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "__init__.py").write_text("")
    (tmp_path / "app" / "main.py").write_text("def handler(e, c):\n    return 1\n")
    (tmp_path / "app" / "__pycache__").mkdir()
    (tmp_path / "app" / "__pycache__" / "main.cpython-311.pyc").write_bytes(b"x")
    built = packaging.package(Function("F", handler="app.main.handler", code=tmp_path))
    assert built.handler == "app.main.handler"
    assert built.files == ("app/__init__.py", "app/main.py")


def test_handler_in_a_package_ships_the_top_level_package() -> None:
    built = packaging.package(Function("F", handler=endpoint.configured))
    assert built.handler == "pytest_apigw_localstack.endpoint.configured"
    assert "pytest_apigw_localstack/endpoint.py" in built.files
    assert "pytest_apigw_localstack/__init__.py" in built.files
    assert all(name.startswith("pytest_apigw_localstack/") for name in built.files)
