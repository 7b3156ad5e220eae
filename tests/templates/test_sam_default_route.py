"""SAM's transform writes the ``$default`` route of an ``HttpApi`` event without Path and Method
as the OpenAPI path ``$default`` (no slash): it is read as the ``$default`` route."""

from __future__ import annotations

from pathlib import Path

import httpx

from pytest_apigw import load_template


def _template(code: Path) -> dict[str, object]:
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
