"""Layers read from what teams ship: ``AWS::Lambda::LayerVersion`` (a CDK app's asset),
``AWS::Serverless::LayerVersion`` (a local ``ContentUri``), a function's ``Layers``; served."""

from __future__ import annotations

import json
import shutil
import uuid
import zipfile
from pathlib import Path

import httpx
import pytest

from pytest_apigw import SpecError, load_template
from tests.support.files import write_tree


def _app(root: Path, module: str) -> Path:
    return write_tree(root, {"app.py": (
        f"import {module}\n\ndef handler(event, context):\n"
        f"    return {{'statusCode': 200, 'body': {module}.VALUE}}\n")})


def _sam(tmp_path: Path, layer_uri: str, module: str, **function_props) -> Path:
    _app(tmp_path / "src", module)
    template = {
        "Transform": "AWS::Serverless-2016-10-31",
        "Globals": {"Function": {"Runtime": "python3.12"}},
        "Resources": {
            "Deps": {"Type": "AWS::Serverless::LayerVersion",
                     "Properties": {"ContentUri": layer_uri, "CompatibleRuntimes": ["python3.12"],
                                    "LayerName": "deps"}},
            "Fn": {"Type": "AWS::Serverless::Function", "Properties": {
                "CodeUri": "src", "Handler": "app.handler", "Layers": [{"Ref": "Deps"}], **function_props,
                "Events": {"Get": {"Type": "HttpApi", "Properties": {"Path": "/run", "Method": "GET"}}}}},
        },
    }
    path = tmp_path / "template.json"
    path.write_text(json.dumps(template))
    return path


def test_a_sam_layer_with_a_local_content_uri_is_served(apigw, tmp_path):
    module = f"sam_layer_{uuid.uuid4().hex[:8]}"
    write_tree(tmp_path / "layer", {f"python/{module}.py": "VALUE = 'sam layer'\n"})
    tpl = load_template(_sam(tmp_path, "layer", module))
    (function,) = tpl.functions.values()
    (layer,) = function.layers
    assert layer.code == (tmp_path / "layer").resolve() and layer.layer_name == "deps"
    assert layer.compatible_runtimes == ("python3.12",)
    response = httpx.get(f"{apigw.deploy(tpl.api('ServerlessHttpApi')).url}/run", timeout=30)
    assert response.status_code == 200, response.text
    assert response.text == "sam layer"


def test_a_sam_layer_zip_is_served_in_a_worker(apigw, tmp_path):
    module = f"sam_zip_{uuid.uuid4().hex[:8]}"
    with zipfile.ZipFile(tmp_path / "layer.zip", "w") as archive:
        archive.writestr(f"python/lib/python3.12/site-packages/{module}.py", "VALUE = 'zipped sam layer'\n")
    tpl = load_template(_sam(tmp_path, "layer.zip", module))
    (function,) = tpl.functions.values()
    function.isolation = "process"
    assert httpx.get(f"{apigw.deploy(tpl.api('ServerlessHttpApi')).url}/run", timeout=30).text == \
        "zipped sam layer"


def test_a_layer_from_outside_the_template_is_a_spec_error_naming_the_function(tmp_path):
    module = f"m{uuid.uuid4().hex[:8]}"
    outside = "arn:aws:lambda:eu-west-1:017000801446:layer:AWSLambdaPowertoolsPythonV3-python312-x86_64:7"
    path = _sam(tmp_path, "layer", module, Layers=[outside])
    write_tree(tmp_path / "layer", {"python/x.py": ""})
    with pytest.raises(SpecError, match=r"AWS::Lambda::Function .Fn.*property Layers: .*Powertools.*"
                                        r"is not a layer of this template.*handlers="):
        load_template(path).api("ServerlessHttpApi")


def test_a_layer_whose_content_is_only_in_s3_is_a_spec_error_naming_the_layer(tmp_path):
    template = {"Resources": {
        "Deps": {"Type": "AWS::Lambda::LayerVersion",
                 "Properties": {"Content": {"S3Bucket": "my-bucket", "S3Key": "deps.zip"}}},
        "Fn": {"Type": "AWS::Lambda::Function", "Properties": {
            "Runtime": "python3.12", "Handler": "index.handler", "Role": "arn:aws:iam::1:role/r",
            "Code": {"ZipFile": "def handler(e, c):\n    return 'x'\n"}, "Layers": [{"Ref": "Deps"}]}},
        "Api": {"Type": "AWS::ApiGatewayV2::Api", "Properties": {
            "Name": "a", "ProtocolType": "HTTP", "Target": {"Fn::GetAtt": ["Fn", "Arn"]}}},
    }}
    with pytest.raises(SpecError, match=r"AWS::Lambda::LayerVersion 'Deps'.*property Content: .*"
                                        r"s3://my-bucket/deps.zip.*cannot be read locally"):
        load_template(template).api("Api")


@pytest.fixture(scope="module")
def cdk_stack(tmp_path_factory):
    """A CDK stack: a Python function with a layer from an asset folder, behind an HTTP API."""
    if shutil.which("node") is None:
        pytest.skip("aws-cdk-lib runs on Node.js (jsii): no `node` on PATH")
    cdk = pytest.importorskip("aws_cdk")
    from aws_cdk import aws_apigatewayv2 as apigwv2
    from aws_cdk import aws_apigatewayv2_integrations as integrations
    from aws_cdk import aws_lambda as lambda_

    root = tmp_path_factory.mktemp("cdk-layers")
    module = f"cdk_layer_{uuid.uuid4().hex[:8]}"
    _app(root / "src", module)
    write_tree(root / "layer", {f"python/{module}.py": "VALUE = 'cdk layer'\n"})
    stack = cdk.Stack(cdk.App(), "LayersStack")
    deps = lambda_.LayerVersion(stack, "Deps", code=lambda_.Code.from_asset(str(root / "layer")),
                                compatible_runtimes=[lambda_.Runtime.PYTHON_3_12], description="deps")
    fn = lambda_.Function(stack, "Fn", runtime=lambda_.Runtime.PYTHON_3_12, handler="app.handler",
                          code=lambda_.Code.from_asset(str(root / "src")), layers=[deps])
    api = apigwv2.HttpApi(stack, "LayersApi")
    api.add_routes(path="/run", methods=[apigwv2.HttpMethod.GET],
                   integration=integrations.HttpLambdaIntegration("Run", fn))
    return stack


def test_a_cdk_layer_version_asset_is_served(apigw, cdk_stack):
    tpl = load_template(cdk_stack)
    (function,) = tpl.functions.values()
    (layer,) = function.layers
    assert layer.description == "deps" and layer.compatible_runtimes == ("python3.12",)
    response = httpx.get(f"{apigw.deploy(tpl.api('LayersApi')).url}/run", timeout=30)
    assert response.status_code == 200, response.text
    assert response.text == "cdk layer"
