"""What AWS's SAM transform writes, read as SAM means it: the ``$default`` route of an ``HttpApi``
event without Path and Method (OpenAPI path ``$default``, no slash), and a ``CorsConfiguration``
of defaults (``x-amazon-apigateway-cors: {}``: CORS configured, nothing allowed)."""

from __future__ import annotations

import os
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest

from pytest_apigw import SpecError, load_template
from pytest_apigw.invocations import LOG


def _template(code: Path) -> dict[str, Any]:
    return {
        "Transform": "AWS::Serverless-2016-10-31",
        "Resources": {
            "Api": {"Type": "AWS::Serverless::HttpApi", "Properties": {}},
            "Fn": {"Type": "AWS::Serverless::Function", "Properties": {
                "Runtime": "python3.12", "Handler": "app.handler", "CodeUri": str(code),
                "Events": {"Default": {"Type": "HttpApi", "Properties": {"ApiId": {"Ref": "Api"}}},
                           "Pets": {"Type": "HttpApi", "Properties": {
                               "ApiId": {"Ref": "Api"}, "Path": "/pets", "Method": "GET"}}}}},
        },
    }


def test_a_sam_event_without_path_and_method_is_the_default_route(apigw, tmp_path):
    (tmp_path / "app.py").write_text(
        "import json\n\ndef handler(event, context):\n    return {'route': event['routeKey']}\n")
    api = load_template(_template(tmp_path)).api("Api")
    assert sorted(api.routes) == ["$default", "GET /pets"]
    url = apigw.deploy(api).url
    assert httpx.get(url + "/anything/else").json() == {"route": "$default"}
    assert httpx.get(url + "/pets").json() == {"route": "GET /pets"}


def test_a_cors_configuration_of_defaults_is_still_cors(apigw, tmp_path):
    """CORS configured with nothing allowed: the function's own CORS headers are dropped."""
    (tmp_path / "app.py").write_text(
        "def handler(event, context):\n"
        "    return {'statusCode': 200, 'headers': {'access-control-allow-origin': '*'}, 'body': 'x'}\n")
    template = _template(tmp_path)
    template["Resources"]["Api"]["Properties"] = {"CorsConfiguration": {"AllowCredentials": False}}
    api = load_template(template).api("Api")
    assert api.cors_preflight is not None
    response = httpx.get(apigw.deploy(api).url + "/pets", headers={"Origin": "https://a.example"})
    assert response.status_code == 200
    assert "access-control-allow-origin" not in response.headers


def _authorized_template(code: Path, default_permissions: bool) -> dict[str, Any]:
    """An ``HttpApi`` whose ``DefaultAuthorizer`` is a Lambda authorizer, one event opting out
    with ``Auth: {Authorizer: NONE}`` (the transform writes ``security: [{NONE: []}]``)."""
    authorizer: dict[str, Any] = {
        "FunctionArn": {"Fn::GetAtt": ["AuthFn", "Arn"]}, "AuthorizerPayloadFormatVersion": "2.0",
        "EnableSimpleResponses": True, "Identity": {"Headers": ["Authorization"]}}
    if default_permissions:
        authorizer["EnableFunctionDefaultPermissions"] = True
    template = _template(code)
    resources = template["Resources"]
    resources["Api"]["Properties"] = {"Auth": {"DefaultAuthorizer": "Token",
                                               "Authorizers": {"Token": authorizer}}}
    events = resources["Fn"]["Properties"]["Events"]
    events["Health"] = {"Type": "HttpApi", "Properties": {
        "ApiId": {"Ref": "Api"}, "Path": "/health", "Method": "GET", "Auth": {"Authorizer": "NONE"}}}
    resources["AuthFn"] = {"Type": "AWS::Serverless::Function", "Properties": {
        "Runtime": "python3.12", "Handler": "auth.handler", "CodeUri": str(code)}}
    return template


def _authorized_code(folder: Path) -> Path:
    (folder / "app.py").write_text(
        "def handler(event, context):\n    return {'route': event['routeKey']}\n")
    (folder / "auth.py").write_text(
        "def handler(event, context):\n"
        "    return {'isAuthorized': event['headers'].get('authorization') == 'good'}\n")
    return folder


def test_an_event_with_authorizer_none_is_open_under_a_default_authorizer(apigw, tmp_path):
    api = load_template(_authorized_template(_authorized_code(tmp_path), True)).api("Api")
    url = apigw.deploy(api).url
    assert httpx.get(url + "/health").json() == {"route": "GET /health"}
    assert httpx.get(url + "/pets").status_code == 401  # no identity source: not invoked
    assert httpx.get(url + "/pets", headers={"Authorization": "bad"}).status_code == 403
    assert httpx.get(url + "/pets", headers={"Authorization": "good"}).json() == {"route": "GET /pets"}


def test_a_sam_lambda_authorizer_without_default_permissions_cannot_be_invoked(apigw, tmp_path):
    """SAM writes no ``AWS::Lambda::Permission`` for an ``HttpApi`` Lambda authorizer unless it
    has ``EnableFunctionDefaultPermissions: true``: API Gateway answers 500 (AWS's own behaviour),
    and the gateway log says what to add."""
    api = load_template(_authorized_template(_authorized_code(tmp_path), False)).api("Api")
    url = apigw.deploy(api).url
    mark = LOG.mark()
    response = httpx.get(url + "/pets", headers={"Authorization": "good"})
    assert response.status_code == 500
    assert response.json() == {"message": "Internal Server Error"}
    [record] = LOG.since(mark)
    assert "EnableFunctionDefaultPermissions: true" in record.describe()


def test_an_auto_published_alias_is_integrated_and_permitted(apigw, tmp_path):
    """``AutoPublishAlias`` (with a deployment preference, as production templates have it): the
    route integrates the alias ARN (``Ref`` of an ``AWS::Lambda::Alias``) and the permission
    names the alias; both lead to the function."""
    (tmp_path / "app.py").write_text(
        "def handler(event, context):\n    return {'route': event['routeKey']}\n")
    template = _template(tmp_path)
    template["Globals"] = {"Function": {"AutoPublishAlias": "live",
                                        "DeploymentPreference": {"Type": "AllAtOnce"}}}
    api = load_template(template).api("Api")
    assert httpx.get(apigw.deploy(api).url + "/pets").json() == {"route": "GET /pets"}


def test_a_templates_functions_in_worker_processes(apigw, tmp_path):
    """``load_template(..., isolation="process")``: the template's Python functions run in worker
    processes (their own pid, their code folder as working directory, as Lambda's /var/task)."""
    (tmp_path / "app.py").write_text(
        "import os\n\ndef handler(event, context):\n"
        "    return {'pid': os.getpid(), 'cwd': os.getcwd()}\n")
    tpl = load_template(_template(tmp_path), isolation="process")
    assert tpl.function("Fn").isolation == "process"
    seen = httpx.get(apigw.deploy(tpl.api("Api")).url + "/pets").json()
    assert seen["pid"] != os.getpid() and seen["cwd"] == str(tmp_path.resolve())


def test_an_unknown_isolation_is_refused(tmp_path):
    with pytest.raises(SpecError, match="isolation must be 'inprocess' or 'process', got 'thread'"):
        load_template(_template(tmp_path), isolation="thread")


def test_a_rest_api_beside_an_http_api_leaves_the_http_api_testable(apigw, tmp_path):
    """A stack moving to HTTP APIs holds both: the HTTP API is served, the REST API (SAM's
    ``Api`` event, ``ServerlessRestApi``) is refused only when asked for, with why."""
    (tmp_path / "app.py").write_text(
        "def handler(event, context):\n    return {'route': event.get('routeKey')}\n")
    template = _template(tmp_path)
    template["Resources"]["Fn"]["Properties"]["Events"]["Legacy"] = {
        "Type": "Api", "Properties": {"Path": "/legacy", "Method": "get"}}
    tpl = load_template(template)
    assert sorted(tpl.apis) == ["Api"]
    with pytest.raises(SpecError, match="REST APIs \\(API Gateway v1\\) are not served"):
        tpl.api("ServerlessRestApi")
    assert httpx.get(apigw.deploy(tpl).url + "/pets").json() == {"route": "GET /pets"}


def test_the_same_sam_template_is_translated_once_and_each_load_gets_its_own_copy(tmp_path, monkeypatch):
    """A suite loading its template in every test pays AWS's transform once per process; a
    load's result changed by the test does not change the next load's."""
    from pytest_apigw.templates import sam

    calls = []
    translate = sam._translate
    monkeypatch.setattr(sam, "_translate", lambda *args: calls.append(args) or translate(*args))
    (tmp_path / "app.py").write_text("def handler(event, context):\n    return {}\n")
    template = _template(tmp_path)
    template["Parameters"] = {"Stage": {"Type": "String", "Default": f"s{uuid.uuid4().hex[:6]}"}}
    template["Resources"]["Api"]["Properties"] = {"StageName": {"Ref": "Stage"}}
    first = load_template(template)
    first.api("Api").routes.clear()
    second = load_template(template)
    assert len(calls) == 1 and sorted(second.api("Api").routes) == ["$default", "GET /pets"]
    third = load_template(template, parameters={"Stage": "other"})  # other values: translated again
    assert len(calls) == 2 and third.api("Api").stages[0].stage_name == "other"
