"""Generated HTTP API specs rendered as the templates teams ship, for the imported-API case.

Three shapes of the same API (Lambda proxy routes, stages with stage variables, the API's CORS
configuration):

- :func:`cloudformation`: ``AWS::ApiGatewayV2::Api`` / ``Integration`` / ``Route`` / ``Stage``,
  ``AWS::Lambda::Function`` (code in a cloud-assembly asset folder, ``aws:asset:path``) and the
  ``AWS::Lambda::Permission`` that lets API Gateway invoke it, as ``cdk synth`` writes them;
- :func:`openapi_body`: the routes as an OpenAPI 3 ``Body`` with
  ``x-amazon-apigateway-integration`` (``x-amazon-apigateway-any-method`` for ``ANY``,
  ``/$default`` for the ``$default`` route), stages as ``AWS::ApiGatewayV2::Stage``;
- :func:`sam`: ``AWS::Serverless::HttpApi`` and one ``AWS::Serverless::Function`` whose
  ``HttpApi`` events are the routes (SAM writes the permissions); stages beyond the one SAM makes
  are ``AWS::ApiGatewayV2::Stage`` resources on the API SAM creates.

Every resource gets the properties CloudFormation requires (a ``Role`` for functions) so the
templates are what a deploy would accept, not shortcuts only the loader reads.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from pytest_apigw.spec import Function, HttpApi, LambdaProxyIntegration

API = "Api"
ROLE = "arn:aws:iam::123456789012:role/contract-probe"
#: What API Gateway may invoke: every stage, method and path of the API.
_SOURCE_ARN = {"Fn::Sub": "arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${"
                          + API + "}/*/*"}
_METHOD_KEYS = {"ANY": "x-amazon-apigateway-any-method"}


def _logical(text: str) -> str:
    """A CloudFormation logical id (alphanumeric) made of ``text``."""
    cleaned = re.sub(r"[^A-Za-z0-9]", "", text) or "Res"
    return cleaned if cleaned[0].isalpha() else f"R{cleaned}"


def _functions(api: HttpApi) -> dict[str, Function]:
    """The API's Lambda functions by logical id (one per distinct function)."""
    found: dict[str, Function] = {}
    for route in api.routes.values():
        integration = route.integration
        if not isinstance(integration, LambdaProxyIntegration):
            raise ValueError(f"only Lambda proxy routes are rendered, got {type(integration).__name__}")
        handler = integration.handler
        if not isinstance(handler, Function) or not isinstance(handler.handler, str) or handler.code is None:
            raise ValueError("functions are rendered with code= and a 'module.func' handler")
        found.setdefault(_logical(handler.id), handler)
    return found


def _function_resource(function: Function) -> dict[str, Any]:
    return {
        "Type": "AWS::Lambda::Function",
        "Properties": {
            "Runtime": function.runtime, "Handler": function.handler, "Role": ROLE,
            "Code": {"S3Bucket": {"Fn::Sub": "cdk-hnb659fds-assets-${AWS::AccountId}-${AWS::Region}"},
                     "S3Key": f"{_logical(function.id)}.zip"},
        },
        "Metadata": {"aws:asset:path": str(function.code), "aws:asset:property": "Code"},
    }


def _permission(function_id: str) -> dict[str, Any]:
    return {"Type": "AWS::Lambda::Permission", "Properties": {
        "Action": "lambda:InvokeFunction", "FunctionName": {"Ref": function_id},
        "Principal": "apigateway.amazonaws.com", "SourceArn": _SOURCE_ARN}}


def _stage(index: int, name: str, variables: dict[str, str]) -> tuple[str, dict[str, Any]]:
    props: dict[str, Any] = {"ApiId": {"Ref": API}, "StageName": name, "AutoDeploy": True}
    if variables:
        props["StageVariables"] = dict(variables)
    return f"Stage{index}", {"Type": "AWS::ApiGatewayV2::Stage", "Properties": props}


def _stages(api: HttpApi, skip: str | None = None) -> dict[str, Any]:
    return dict(_stage(i, s.stage_name, s.stage_variables) for i, s in enumerate(api.stages)
                if s.stage_name != skip)


def _function_of(route: Any) -> str:
    return _logical(route.integration.handler.id)


def cors_configuration(api: HttpApi, *, openapi: bool = False) -> dict[str, Any] | None:
    """The API's CORS as ``CorsConfiguration`` (CloudFormation, SAM) or, with ``openapi``, as
    ``x-amazon-apigateway-cors`` (camelCase keys); ``None`` without CORS."""
    cors = api.cors_preflight
    if cors is None:
        return None
    config: dict[str, Any] = {
        "AllowOrigins": list(cors.allow_origins or ()), "AllowMethods": list(cors.allow_methods or ()),
        "AllowHeaders": list(cors.allow_headers or ()), "ExposeHeaders": list(cors.expose_headers or ()),
        "AllowCredentials": cors.allow_credentials, "MaxAge": cors.max_age_seconds,
    }
    config = {k: v for k, v in config.items() if v not in ([], None)}
    return {k[0].lower() + k[1:]: v for k, v in config.items()} if openapi else config


def cloudformation(api: HttpApi) -> dict[str, Any]:
    """``api`` as plain CloudFormation resources (what ``cdk synth`` makes of it)."""
    resources: dict[str, Any] = {API: {"Type": "AWS::ApiGatewayV2::Api",
                                       "Properties": {"Name": api.api_name, "ProtocolType": "HTTP"}}}
    cors = cors_configuration(api)
    if cors is not None:
        resources[API]["Properties"]["CorsConfiguration"] = cors
    for logical_id, function in _functions(api).items():
        resources[logical_id] = _function_resource(function)
        resources[f"{logical_id}Permission"] = _permission(logical_id)
    for index, (key, route) in enumerate(api.routes.items()):
        resources[f"Integration{index}"] = {"Type": "AWS::ApiGatewayV2::Integration", "Properties": {
            "ApiId": {"Ref": API}, "IntegrationType": "AWS_PROXY",
            "IntegrationUri": {"Fn::GetAtt": [_function_of(route), "Arn"]},
            "PayloadFormatVersion": route.integration.payload_format_version}}
        resources[f"Route{index}"] = {"Type": "AWS::ApiGatewayV2::Route", "Properties": {
            "ApiId": {"Ref": API}, "RouteKey": key,
            "Target": {"Fn::Join": ["", ["integrations/", {"Ref": f"Integration{index}"}]]}}}
    resources.update(_stages(api))
    return {"AWSTemplateFormatVersion": "2010-09-09", "Resources": resources}


def _openapi_paths(api: HttpApi, integration: Callable[[Any], dict[str, Any]]) -> dict[str, Any]:
    paths: dict[str, Any] = {}
    for key, route in api.routes.items():
        if key == "$default":
            path, method = "/$default", _METHOD_KEYS["ANY"]
        else:
            verb, _, path = key.partition(" ")
            method = _METHOD_KEYS.get(verb, verb.lower())
        paths.setdefault(path, {})[method] = {
            "responses": {"default": {"description": "the function's answer"}},
            "x-amazon-apigateway-integration": integration(route),
        }
    return paths


def openapi_body(api: HttpApi) -> dict[str, Any]:
    """``api`` as an ``AWS::ApiGatewayV2::Api`` whose ``Body`` is an OpenAPI 3 document."""
    def integration(route: Any) -> dict[str, Any]:
        return {"type": "aws_proxy", "httpMethod": "POST",
                "payloadFormatVersion": route.integration.payload_format_version,
                "uri": {"Fn::Sub": "arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/2015-03-31/"
                                   "functions/${" + _function_of(route) + ".Arn}/invocations"}}

    body: dict[str, Any] = {"openapi": "3.0.1", "info": {"title": api.api_name, "version": "1"},
                            "paths": _openapi_paths(api, integration)}
    cors = cors_configuration(api, openapi=True)
    if cors is not None:
        body["x-amazon-apigateway-cors"] = cors
    resources: dict[str, Any] = {API: {"Type": "AWS::ApiGatewayV2::Api", "Properties": {"Body": body}}}
    for logical_id, function in _functions(api).items():
        resources[logical_id] = _function_resource(function)
        resources[f"{logical_id}Permission"] = _permission(logical_id)
    resources.update(_stages(api))
    return {"AWSTemplateFormatVersion": "2010-09-09", "Resources": resources}


def sam(api: HttpApi) -> dict[str, Any]:
    """``api`` as a SAM template: ``AWS::Serverless::HttpApi`` with the first stage (``$default``
    when it has one), a function per distinct handler with one ``HttpApi`` event per route."""
    first = next((s for s in api.stages if s.stage_name == "$default"), api.stages[0])
    http_api: dict[str, Any] = {}
    if first.stage_name != "$default":
        http_api["StageName"] = first.stage_name
    if first.stage_variables:
        http_api["StageVariables"] = dict(first.stage_variables)
    cors = cors_configuration(api)
    if cors is not None:
        http_api["CorsConfiguration"] = cors
    resources: dict[str, Any] = {API: {"Type": "AWS::Serverless::HttpApi", "Properties": http_api}}
    functions = _functions(api)
    for logical_id, function in functions.items():
        resources[logical_id] = {"Type": "AWS::Serverless::Function", "Properties": {
            "Runtime": function.runtime, "Handler": function.handler, "CodeUri": str(function.code),
            "Events": {}}}
    for index, (key, route) in enumerate(api.routes.items()):
        event: dict[str, Any] = {"ApiId": {"Ref": API},
                                 "PayloadFormatVersion": route.integration.payload_format_version}
        if key != "$default":
            verb, _, path = key.partition(" ")
            event.update(Method=verb, Path=path)
        resources[_function_of(route)]["Properties"]["Events"][f"Route{index}"] = {
            "Type": "HttpApi", "Properties": event}
    resources.update(_stages(api, skip=first.stage_name))
    return {"AWSTemplateFormatVersion": "2010-09-09", "Transform": "AWS::Serverless-2016-10-31",
            "Resources": resources}


#: The template shapes, by the name a case id carries.
RENDERERS: dict[str, Callable[[HttpApi], dict[str, Any]]] = {
    "cloudformation": cloudformation, "openapi": openapi_body, "sam": sam,
}
