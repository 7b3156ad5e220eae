"""Lambda layers on the localstack backend, against MiniStack: published with a zip, named on
CreateFunction, served (the handler imports a module only the layer holds), read back with boto3,
deleted at teardown and found by the cleanup command."""

from __future__ import annotations

import io
import uuid
import zipfile
from pathlib import Path

import httpx
import pytest
from pytest_apigw_localstack import cleanup
from pytest_apigw_localstack.packaging import layer_package

from pytest_apigw import Function, HttpApi, LambdaProxyIntegration, LayerVersion, SpecError
from tests.support.files import write_tree


@pytest.fixture
def layered(tmp_path: Path) -> tuple[Function, LayerVersion, str]:
    module = f"layer_only_{uuid.uuid4().hex[:8]}"
    code = write_tree(tmp_path / "code", {"app.py": (
        f"import {module}\n\n"
        "def handler(event, context):\n"
        f"    return {{'statusCode': 200, 'body': {module}.VALUE}}\n")})
    folder = write_tree(tmp_path / "layer", {f"python/{module}.py": "VALUE = 'from the layer'\n"})
    layer = LayerVersion("Deps", code=folder,
                         compatible_runtimes=["python3.11", "python3.12"], description="test layer")
    return Function("Layered", handler="app.handler", code=code, layers=[layer]), layer, module


def _lambda_error(exc: BaseException) -> str:
    return str(getattr(exc, "response", {}).get("Error", {}).get("Code", ""))


def test_a_layer_is_published_attached_served_and_deleted_at_teardown(layered, localstack, aws) -> None:
    function, _layer, module = layered
    lam = aws.get("lambda")
    api = HttpApi("Layers", default_integration=LambdaProxyIntegration(handler=function))
    deployment = localstack.deploy(api)
    try:
        response = httpx.get(f"{deployment.url}/x", timeout=60)
        assert response.status_code == 200, response.text
        assert response.text == "from the layer"
        (published,) = deployment.handle.ledger.of("layer_version")
        name, version = published.id, published.extra["version"]
        (created,) = deployment.handle.ledger.of("function")
        attached = lam.get_function(FunctionName=created.id)["Configuration"]["Layers"]
        assert [entry["Arn"] for entry in attached] == [
            f"arn:aws:lambda:{aws.region}:{aws.account_id}:layer:{name}:{version}"]
        read = lam.get_layer_version(LayerName=name, VersionNumber=version)
        assert read["CompatibleRuntimes"] == ["python3.11", "python3.12"]
        assert read["Description"] == "test layer"
        assert read["LayerVersionArn"] == attached[0]["Arn"]
        assert cleanup.find(aws, localstack.translator.namer.run)[0].of("layer_version")[0].id == name
    finally:
        deployment.close()
    with pytest.raises(Exception) as gone:
        lam.get_layer_version(LayerName=name, VersionNumber=version)
    assert _lambda_error(gone.value) == "ResourceNotFoundException"
    assert not [layer for layer in lam.list_layers()["Layers"] if layer["LayerName"] == name]


def test_a_directory_layer_is_zipped_with_its_tree_and_a_zip_layer_is_sent_as_is(tmp_path: Path) -> None:
    folder = write_tree(tmp_path / "layer", {"python/pkg/__init__.py": "X = 1\n", "bin/tool": "#!/bin/sh\n"})
    (folder / "bin" / "tool").chmod(0o755)
    (folder / "python" / "pkg" / "__pycache__").mkdir()
    (folder / "python" / "pkg" / "__pycache__" / "x.pyc").write_bytes(b"\0")
    with zipfile.ZipFile(io.BytesIO(layer_package(LayerVersion("Dir", code=folder)))) as archive:
        assert archive.namelist() == ["bin/tool", "python/pkg/__init__.py"]
        assert (archive.getinfo("bin/tool").external_attr >> 16) & 0o111
    assert layer_package(LayerVersion("Dir", code=folder)) == layer_package(LayerVersion("Dir", code=folder))
    zipped = tmp_path / "layer.zip"
    with zipfile.ZipFile(zipped, "w") as archive:
        archive.writestr("python/y.py", "Y = 2\n")
    assert layer_package(LayerVersion("Zip", code=zipped)) == zipped.read_bytes()


def test_more_than_five_layers_is_refused_before_anything_is_created(tmp_path: Path, localstack, aws) -> None:
    layers = [LayerVersion(f"L{i}", code=write_tree(tmp_path / f"l{i}", {"python/x.py": ""}))
              for i in range(6)]
    code = write_tree(tmp_path / "code", {"app.py": "def handler(e, c):\n    return 'x'\n"})
    function = Function("TooMany", handler="app.handler", code=code, layers=layers)
    before = {layer["LayerName"] for layer in aws.get("lambda").list_layers()["Layers"]}
    with pytest.raises(SpecError, match="Cannot reference more than 5 layers"):
        localstack.deploy(HttpApi("TooMany", default_integration=LambdaProxyIntegration(handler=function)))
    assert {layer["LayerName"] for layer in aws.get("lambda").list_layers()["Layers"]} == before


def test_a_sam_layer_from_a_template_is_published_under_its_layer_name(tmp_path: Path, deploy, aws) -> None:
    import json

    from pytest_apigw import load_template

    module, name = f"sam_layer_{uuid.uuid4().hex[:8]}", f"deps-{uuid.uuid4().hex[:8]}"
    write_tree(tmp_path, {"src/app.py": (f"import {module}\n\ndef handler(event, context):\n"
                                     f"    return {{'statusCode': 200, 'body': {module}.VALUE}}\n"),
                      f"layer/python/{module}.py": "VALUE = 'sam layer on ministack'\n"})
    (tmp_path / "template.json").write_text(json.dumps({
        "Transform": "AWS::Serverless-2016-10-31",
        "Resources": {
            "Deps": {"Type": "AWS::Serverless::LayerVersion",
                     "Properties": {"ContentUri": "layer", "LayerName": name}},
            "Fn": {"Type": "AWS::Serverless::Function", "Properties": {
                "CodeUri": "src", "Handler": "app.handler", "Runtime": "python3.12",
                "Layers": [{"Ref": "Deps"}],
                "Events": {"Get": {"Type": "HttpApi", "Properties": {"Path": "/run", "Method": "GET"}}}}},
        },
    }))
    deployment = deploy(load_template(tmp_path / "template.json").api("ServerlessHttpApi"))
    response = httpx.get(f"{deployment.url}/run", timeout=60)
    assert response.status_code == 200, response.text
    assert response.text == "sam layer on ministack"
    versions = aws.get("lambda").list_layer_versions(LayerName=name)["LayerVersions"]
    assert [v["LayerVersionArn"].rsplit(":", 2)[-2] for v in versions] == [name]


def test_the_shipped_package_and_layers_are_held_to_lambdas_size_limit(tmp_path: Path, monkeypatch) -> None:
    """What is shipped counts (requirements included), not only the code folder: checked with
    the limit lowered to a few KB, on real zips."""
    from pytest_apigw_localstack.packaging import package
    from pytest_apigw_localstack.translate import functions

    code = write_tree(tmp_path / "code", {"app.py": "def handler(e, c):\n    return 1\n" + "#" * 3000 + "\n"})
    layer = LayerVersion("Deps", code=write_tree(tmp_path / "layer", {"python/x.py": "X = 1\n" * 500}))
    function = Function("Sized", handler="app.handler", code=code, layers=[layer])
    shipped = package(function)
    monkeypatch.setattr(functions, "MAX_UNZIPPED_BYTES", 10_000)
    functions.check_unzipped_size(function, shipped)  # about 3 KB of code + 3 KB of layer: fine
    monkeypatch.setattr(functions, "MAX_UNZIPPED_BYTES", 5000)
    with pytest.raises(SpecError, match=r"Function 'Sized': Function code combined with layers exceeds the "
                                        r"maximum allowed size of 5000 bytes\. The actual size is \d+ bytes"):
        functions.check_unzipped_size(function, shipped)
    monkeypatch.setattr(functions, "MAX_UNZIPPED_BYTES", 2000)
    with pytest.raises(SpecError, match=r"Function 'Sized': Unzipped size must be smaller than 2000 bytes"):
        functions.check_unzipped_size(function, shipped)
