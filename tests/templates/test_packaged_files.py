"""Files a template names for ``sam package`` to upload (an ``HttpApi``'s local ``DefinitionUri``,
``Fn::Transform: AWS::Include`` with a local ``Location``) are read from disk, as ``sam local``
reads them; the routes they hold are served over HTTP."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from pytest_apigw import SpecError, load_template
from tests.support.files import write_tree

APP = "def handler(event, context):\n    return {'route': event['routeKey']}\n"


def _openapi(function: str) -> dict[str, Any]:
    uri = {"Fn::Sub": "arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/"
                      f"${{{function}.Arn}}/invocations"}
    return {"openapi": "3.0.1", "info": {"title": "pets", "version": "1"}, "paths": {"/pets/{id}": {"get": {
        "x-amazon-apigateway-integration": {"type": "aws_proxy", "httpMethod": "POST", "uri": uri,
                                            "payloadFormatVersion": "2.0"}}}}}


def _function(code: Path, events: dict[str, Any] | None = None) -> dict[str, Any]:
    props: dict[str, Any] = {"CodeUri": str(code), "Handler": "app.handler", "Runtime": "python3.12"}
    if events:
        props["Events"] = events
    return {"Type": "AWS::Serverless::Function", "Properties": props}


#: What a team adds for routes of its own OpenAPI document (SAM adds one per event only).
PERMISSION = {"Type": "AWS::Lambda::Permission", "Properties": {
    "Action": "lambda:InvokeFunction", "FunctionName": {"Ref": "Fn"}, "Principal": "apigateway.amazonaws.com",
    "SourceArn": {"Fn::Sub": "arn:aws:execute-api:${AWS::Region}:${AWS::AccountId}:${Api}/*"}}}


def test_a_local_definition_uri_is_the_apis_openapi_document(apigw, tmp_path):
    write_tree(tmp_path, {"src/app.py": APP, "api/openapi.json": json.dumps(_openapi("Fn"))})
    (tmp_path / "template.json").write_text(json.dumps({
        "Transform": "AWS::Serverless-2016-10-31",
        "Resources": {
            "Api": {"Type": "AWS::Serverless::HttpApi", "Properties": {"DefinitionUri": "api/openapi.json"}},
            "Fn": _function(tmp_path / "src", {"Health": {"Type": "HttpApi", "Properties": {
                "ApiId": {"Ref": "Api"}, "Path": "/health", "Method": "GET"}}}),
            "Permission": PERMISSION,
        },
    }))
    api = load_template(tmp_path / "template.json").api("Api")
    assert sorted(api.routes) == ["GET /health", "GET /pets/{id}"]
    url = apigw.deploy(api).url
    assert httpx.get(url + "/pets/1").json() == {"route": "GET /pets/{id}"}
    assert httpx.get(url + "/health").json() == {"route": "GET /health"}


def test_an_aws_include_with_a_local_location_is_read_in(apigw, tmp_path):
    write_tree(tmp_path, {"src/app.py": APP})
    (tmp_path / "openapi.yaml").write_text(  # YAML with a short form, resolved after the include
        "openapi: '3.0.1'\ninfo: {title: pets, version: '1'}\npaths:\n  /pets/{id}:\n    get:\n"
        "      x-amazon-apigateway-integration:\n        type: aws_proxy\n        httpMethod: POST\n"
        "        payloadFormatVersion: '2.0'\n        uri: !Sub 'arn:aws:apigateway:${AWS::Region}:lambda:"
        "path/2015-03-31/functions/${Fn.Arn}/invocations'\n")
    include = {"Fn::Transform": {"Name": "AWS::Include", "Parameters": {"Location": "./openapi.yaml"}}}
    (tmp_path / "template.json").write_text(json.dumps({
        "Transform": "AWS::Serverless-2016-10-31",
        "Resources": {"Api": {"Type": "AWS::Serverless::HttpApi", "Properties": {"DefinitionBody": include}},
                      "Fn": _function(tmp_path / "src"), "Permission": PERMISSION},
    }))
    url = apigw.deploy(load_template(tmp_path / "template.json").api("Api")).url
    assert httpx.get(url + "/pets/7").json() == {"route": "GET /pets/{id}"}


def test_a_missing_local_file_names_what_was_looked_for(tmp_path):
    (tmp_path / "template.json").write_text(json.dumps({
        "Transform": "AWS::Serverless-2016-10-31",
        "Resources": {"Api": {"Type": "AWS::Serverless::HttpApi",
                              "Properties": {"DefinitionUri": "missing.yaml"}}},
    }))
    with pytest.raises(SpecError, match=r"HttpApi 'Api' DefinitionUri.*'missing.yaml' is not a file"):
        load_template(tmp_path / "template.json")
