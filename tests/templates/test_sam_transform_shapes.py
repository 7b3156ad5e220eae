"""What AWS's SAM transform writes, read as SAM means it: the ``$default`` route of an ``HttpApi``
event without Path and Method (OpenAPI path ``$default``, no slash), and a ``CorsConfiguration``
of defaults (``x-amazon-apigateway-cors: {}``: CORS configured, nothing allowed)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx

from pytest_apigw import load_template


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
