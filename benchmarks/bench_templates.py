"""Importing a template against route count: ``load_template`` of a CDK-shaped template file.

The template is what CDK writes for ``apis.make_api(n)``: per route an ``AWS::ApiGatewayV2::Route``,
an ``Integration`` and an ``AWS::Lambda::Permission`` (``Fn::Join`` / ``Fn::GetAtt`` / ``Ref``
everywhere), five inline-code functions, the API and its ``$default`` stage. Timed: reading the
JSON file, resolving every intrinsic and building the specs (a fresh call each time); the ratio is
against building the same API with the Python vocabulary (``vocabulary_50``).
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

from benchmarks.apis import make_api, route_shapes
from benchmarks.common import Result, Settings, bench, clock, median

COUNTS = (50, 300)
CODE = "import json\ndef handler(event, context):\n    return {'statusCode': 200, 'body': 'hello'}\n"


def cdk_template(n_routes: int, functions: int = 5) -> dict[str, Any]:
    """The template CDK synthesizes for ``make_api(n_routes)``."""
    resources: dict[str, Any] = {
        "Api": {"Type": "AWS::ApiGatewayV2::Api", "Properties": {"Name": "bench", "ProtocolType": "HTTP"}},
        "ApiDefaultStage": {"Type": "AWS::ApiGatewayV2::Stage", "Properties": {
            "ApiId": {"Ref": "Api"}, "StageName": "$default", "AutoDeploy": True}},
    }
    for i in range(functions):
        resources[f"Fn{i}"] = {"Type": "AWS::Lambda::Function", "Properties": {
            "Runtime": "python3.12", "Handler": "index.handler", "Code": {"ZipFile": CODE},
            "Role": {"Fn::GetAtt": [f"Fn{i}Role", "Arn"]}}}
        resources[f"Fn{i}Role"] = {"Type": "AWS::IAM::Role", "Properties": {"AssumeRolePolicyDocument": {}}}
    for i, (path, methods) in enumerate(route_shapes(n_routes)):
        fn = f"Fn{i % functions}"
        resources[f"Integration{i}"] = {"Type": "AWS::ApiGatewayV2::Integration", "Properties": {
            "ApiId": {"Ref": "Api"}, "IntegrationType": "AWS_PROXY", "PayloadFormatVersion": "2.0",
            "IntegrationUri": {"Fn::GetAtt": [fn, "Arn"]}}}
        resources[f"Permission{i}"] = {"Type": "AWS::Lambda::Permission", "Properties": {
            "Action": "lambda:InvokeFunction", "FunctionName": {"Fn::GetAtt": [fn, "Arn"]},
            "Principal": "apigateway.amazonaws.com",
            "SourceArn": {"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, ":execute-api:",
                                            {"Ref": "AWS::Region"}, ":", {"Ref": "AWS::AccountId"}, ":",
                                            {"Ref": "Api"}, f"/*/*{path}"]]}}}
        for method in methods:
            resources[f"Route{i}{method}"] = {"Type": "AWS::ApiGatewayV2::Route", "Properties": {
                "ApiId": {"Ref": "Api"}, "RouteKey": f"{method} {path}", "AuthorizationType": "NONE",
                "Target": {"Fn::Join": ["", ["integrations/", {"Ref": f"Integration{i}"}]]}}}
    return {"Resources": resources}


@bench("templates", order=85)
def templates(settings: Settings) -> list[Result]:
    from pytest_apigw.templates import load_template

    repeats = 5 if settings.quick else 25
    rows: list[Result] = []
    with tempfile.TemporaryDirectory(prefix="bench-templates-") as folder:
        vocabulary = []
        for _ in range(repeats):
            start = clock()
            make_api(50)
            vocabulary.append(clock() - start)
        rows.append(Result("vocabulary_50", median(vocabulary) * 1000, "ms",
                           note="make_api(50): the same API built with the Python vocabulary"))
        for count in COUNTS:
            path = Path(folder) / f"template{count}.json"
            path.write_text(json.dumps(cdk_template(count)))
            load_template(path)  # untimed first call (imports, inline code folders)
            times = []
            for _ in range(repeats):
                start = clock()
                template = load_template(path)
                times.append(clock() - start)
            assert len(template.api().routes) == count
            rows.append(Result(
                f"template_import_{count}", median(times) * 1000, "ms",
                vs="vocabulary_50" if count == 50 else None,
                limit=("<=", 50) if count == 50 else None,
                note=f"load_template(file) median of {repeats}, min {min(times) * 1000:.2f} ms",
            ))
    rows.append(_sam_app(load_template, repeats))
    return rows


def _sam_app(load_template: Any, repeats: int) -> Result:
    """``examples/sam_app/template.yaml`` (SAM: AWS's transform, Cognito, DynamoDB, three events)
    loaded as a suite loads it in each test: the transform's result is reused in the process."""
    path = Path(__file__).resolve().parent.parent / "examples" / "sam_app" / "template.yaml"
    start = clock()
    load_template(path)
    first = clock() - start
    times = []
    for _ in range(repeats):
        start = clock()
        load_template(path)
        times.append(clock() - start)
    return Result("sam_template_import", median(times) * 1000, "ms",
                  note=f"load_template of examples/sam_app (SAM) in each test, median of {repeats}; the "
                       f"first {first * 1000:.0f} ms (imports, AWS's transform; 24 ms each time before "
                       "2026-12-04, 3rd session)")
