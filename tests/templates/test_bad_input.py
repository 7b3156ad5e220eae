"""What cannot be served locally is refused with a SpecError naming the resource, the property
and what to do; nothing is deployed."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import httpx
import pytest

from pytest_apigw import SpecError, load_template
from pytest_apigw.errors import NotServedWarning
from pytest_apigw.invocations import LOG

CDK_BOOKS = Path(__file__).parents[2] / "examples" / "cdk_books" / "cdk.out"


def _http_api(**extra_resources):
    return {"Resources": {
        "Api": {"Type": "AWS::ApiGatewayV2::Api", "Properties": {"Name": "api", "ProtocolType": "HTTP"}},
        "Stage": {"Type": "AWS::ApiGatewayV2::Stage", "Properties": {
            "ApiId": {"Ref": "Api"}, "StageName": "$default", "AutoDeploy": True}},
        **extra_resources,
    }}


def _proxy(uri):
    return {
        "Integration": {"Type": "AWS::ApiGatewayV2::Integration", "Properties": {
            "ApiId": {"Ref": "Api"}, "IntegrationType": "HTTP_PROXY", "IntegrationMethod": "ANY",
            "IntegrationUri": uri, "PayloadFormatVersion": "1.0"}},
        "Route": {"Type": "AWS::ApiGatewayV2::Route", "Properties": {
            "ApiId": {"Ref": "Api"}, "RouteKey": "$default",
            "Target": {"Fn::Join": ["/", ["integrations", {"Ref": "Integration"}]]}}},
    }


def test_a_rest_api_is_refused():
    with pytest.raises(SpecError, match=r"AWS::ApiGateway::RestApi 'Legacy'.*REST APIs \(API Gateway v1\)"):
        load_template({"Resources": {"Legacy": {"Type": "AWS::ApiGateway::RestApi", "Properties": {}}}})


def test_a_sam_rest_api_is_refused():
    template = {"Transform": "AWS::Serverless-2016-10-31", "Resources": {
        "Fn": {"Type": "AWS::Serverless::Function", "Properties": {
            "Runtime": "python3.12", "Handler": "index.handler", "InlineCode": "def handler(e, c): pass",
            "Events": {"Get": {"Type": "Api", "Properties": {"Path": "/", "Method": "get"}}}}}}}
    with pytest.raises(SpecError, match="RestApi.*REST APIs"):
        load_template(template)


def test_a_sam_resource_without_the_transform_is_refused():
    """CloudFormation refuses it ("Unrecognized resource types"): it is not silently ignored."""
    with pytest.raises(SpecError, match=r"Function 'Fn'.*Transform: AWS::Serverless-2016-10-31"):
        load_template({"Resources": {"Fn": {"Type": "AWS::Serverless::Function", "Properties": {
            "CodeUri": "src/", "Handler": "app.handler", "Runtime": "python3.12"}}}})


def test_import_value_names_resource_and_property():
    with pytest.raises(SpecError) as caught:
        load_template(_http_api(**_proxy({"Fn::ImportValue": "shared-url"})))
    message = str(caught.value)
    assert "AWS::ApiGatewayV2::Integration 'Integration'" in message
    assert "Properties.IntegrationUri" in message and "Fn::ImportValue" in message
    assert "parameters=" in message


def test_an_unknown_ref_names_resource_and_property():
    with pytest.raises(SpecError) as caught:
        load_template(_http_api(**_proxy({"Fn::Sub": "https://${Nowhere}/x"})))
    assert "'Integration'" in str(caught.value) and "IntegrationUri" in str(caught.value)
    assert "Ref 'Nowhere'" in str(caught.value)


def test_a_parameter_without_default_needs_a_value():
    template = _http_api(**_proxy({"Ref": "Url"}))
    template["Parameters"] = {"Url": {"Type": "String"}}
    with pytest.raises(SpecError, match=r"parameter 'Url' has no Default.*parameters="):
        load_template(template)
    api = load_template(template, parameters={"Url": "https://example.com"}).api()
    assert api.routes["$default"].integration.url == "https://example.com"


def test_a_missing_asset_directory(tmp_path):
    copy = tmp_path / "cdk.out"
    shutil.copytree(CDK_BOOKS, copy)
    for asset in copy.glob("asset.*"):
        shutil.rmtree(asset)
    with pytest.raises(SpecError) as caught:
        load_template(copy)
    message = str(caught.value)
    assert "AWS::Lambda::Function 'BooksDefaultFnD723EB12' (BooksDefaultFn)" in message
    assert "property Code" in message and "is missing" in message and "cdk synth" in message


def test_code_in_s3_needs_a_double():
    template = _http_api(Fn={"Type": "AWS::Lambda::Function", "Properties": {
        "Runtime": "python3.12", "Handler": "app.handler", "Code": {"S3Bucket": "b", "S3Key": "k.zip"}}})
    template["Resources"].update({
        "Integration": {"Type": "AWS::ApiGatewayV2::Integration", "Properties": {
            "ApiId": {"Ref": "Api"}, "IntegrationType": "AWS_PROXY", "PayloadFormatVersion": "2.0",
            "IntegrationUri": {"Fn::GetAtt": ["Fn", "Arn"]}}},
        "Route": {"Type": "AWS::ApiGatewayV2::Route", "Properties": {
            "ApiId": {"Ref": "Api"}, "RouteKey": "GET /",
            "Target": {"Fn::Sub": "integrations/${Integration}"}}},
    })
    with pytest.raises(SpecError, match=r"'Fn'.*s3://b/k.zip.*handlers=\{'Fn'"):
        load_template(template)
    assert load_template(template, handlers={"Fn": lambda e, c: None}).functions["Fn"].handler is not None


def test_unknown_option_keys_are_typos():
    with pytest.raises(SpecError, match=r"upstreams=\['https://elsewhere'\] match no"):
        load_template(_http_api(**_proxy("https://example.com")),
                      upstreams={"https://elsewhere": "http://127.0.0.1:1"})
    with pytest.raises(SpecError, match=r"handlers=\['Ghost'\] match no function"):
        load_template(_http_api(**_proxy("https://example.com")), handlers={"Ghost": print})


def test_an_upstream_prefix_ends_at_a_boundary():
    template = _http_api(**_proxy("https://a.internal.example.com/x"))
    with pytest.raises(SpecError, match=r"upstreams=\['https://a.internal'\] match no"):
        load_template(template, upstreams={"https://a.internal": "http://127.0.0.1:1"})
    api = load_template(template, upstreams={"https://a.internal.example.com": "http://127.0.0.1:1"}).api()
    assert api.routes["$default"].integration.url == "http://127.0.0.1:1/x"


def test_unsupported_integration_type():
    resources = _proxy("https://example.com")
    resources["Integration"]["Properties"]["IntegrationType"] = "MOCK"
    with pytest.raises(SpecError, match=r"'Integration'.*IntegrationType.*'MOCK'"):
        load_template(_http_api(**resources))


def test_not_a_template(tmp_path):
    bad = tmp_path / "t.json"
    bad.write_text("{not json")
    with pytest.raises(SpecError, match="not valid JSON"):
        load_template(bad)
    with pytest.raises(SpecError, match="no manifest.json"):
        load_template(tmp_path)
    with pytest.raises(SpecError, match="holds stacks|stack 'Nope' is not in"):
        load_template(CDK_BOOKS, stack="Nope")


def test_template_lookup_errors_list_what_is_there():
    template = load_template(_http_api(**_proxy("https://example.com")))
    with pytest.raises(SpecError, match=r"API 'Other' matches nothing; known: Api"):
        template.api("Other")
    assert json.dumps(sorted(template.apis)) == '["Api"]'


def test_an_aws_service_integration_route_is_left_out_with_a_warning(apigw):
    """One ``SQS-SendMessage`` route (AWS deploys it; nothing here serves it) does not refuse the
    template: a warning names the route and the subtype, the route is left out (404), and the
    API's other routes are served."""
    template = _http_api(**_proxy("https://unused.example"))
    template["Resources"]["Integration"]["Properties"]["IntegrationUri"] = "http://127.0.0.1:9/x"
    template["Resources"]["Queued"] = {"Type": "AWS::ApiGatewayV2::Integration", "Properties": {
        "ApiId": {"Ref": "Api"}, "IntegrationType": "AWS_PROXY", "IntegrationSubtype": "SQS-SendMessage",
        "PayloadFormatVersion": "1.0", "CredentialsArn": "arn:aws:iam::123456789012:role/sqs",
        "RequestParameters": {"QueueUrl": "https://sqs/q", "MessageBody": "$request.body"}}}
    template["Resources"]["QueuedRoute"] = {"Type": "AWS::ApiGatewayV2::Route", "Properties": {
        "ApiId": {"Ref": "Api"}, "RouteKey": "POST /send",
        "Target": {"Fn::Join": ["/", ["integrations", {"Ref": "Queued"}]]}}}
    with pytest.warns(NotServedWarning, match=r"SQS-SendMessage.*route 'POST /send' is left out"):
        api = load_template(template).api()
    assert sorted(api.routes) == ["$default"]
    deployment = apigw.deploy(api)
    mark = LOG.mark()
    httpx.post(deployment.url + "/send")
    [record] = LOG.since(mark)
    assert "route '$default'" in record.describe()  # POST /send is not a route: $default took it
