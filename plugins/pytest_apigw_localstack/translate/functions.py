"""Functions: an execution role, the zipped code, its layers, and API Gateway's permission to invoke."""

from __future__ import annotations

import io
import json
import math
import time
import zipfile
from typing import Any, cast

from pytest_apigw.errors import SpecError
from pytest_apigw.spec.layer import MAX_UNZIPPED_BYTES
from pytest_apigw_localstack.packaging import Package, layer_package, package
from pytest_apigw_localstack.translate.context import Context
from pytest_apigw_localstack.waits import poll

ASSUME_LAMBDA = json.dumps({
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
                   "Action": "sts:AssumeRole"}],
})
BASIC_EXECUTION = "iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"


def role_arn(ctx: Context) -> str:
    """One execution role per deployment (with basic execution: logs), created on first use."""

    def create() -> str:
        name = ctx.names.name("lambda-role", 64)
        role = ctx.clients.iam.create_role(
            RoleName=name, AssumeRolePolicyDocument=ASSUME_LAMBDA,
            Description="pytest-apigw Lambda execution role", Tags=ctx.names.tag_list("lambda-role"),
        )["Role"]
        ctx.ledger.add("role", name)
        policy = f"arn:{ctx.clients.partition}:{BASIC_EXECUTION}"
        ctx.clients.iam.attach_role_policy(RoleName=name, PolicyArn=policy)
        ctx.ledger.add("role_policy", policy, role=name)
        return cast(str, role["Arn"])

    return ctx.once("role", ctx, create)


def _create(ctx: Context, kwargs: dict[str, Any]) -> dict[str, Any]:
    """CreateFunction; on AWS a new role takes a few seconds to be assumable, so retry that."""
    deadline = time.monotonic() + (60 if ctx.real_aws else 0)
    while True:
        try:
            return cast("dict[str, Any]", ctx.clients.get("lambda").create_function(**kwargs))
        except Exception as exc:
            text = str(exc)
            if "cannot be assumed" in text and time.monotonic() < deadline:
                time.sleep(2)
                continue
            raise


def check_unzipped_size(function: Any, zipped: Package) -> None:
    """Lambda's 250 MB on what is shipped, requirements included (``spec/layer.py`` checks the
    code folder at deploy, for every backend): AWS's messages, before anything is created."""
    with zipfile.ZipFile(io.BytesIO(zipped.zip_bytes)) as archive:
        code = sum(info.file_size for info in archive.infolist())
    if code > MAX_UNZIPPED_BYTES:
        raise SpecError(function.label, f"Unzipped size must be smaller than {MAX_UNZIPPED_BYTES} bytes "
                                        f"(the package, requirements included, is {code} bytes)")
    total = code + sum(layer.unzipped_size() for layer in function.layers)
    if total > MAX_UNZIPPED_BYTES:
        raise SpecError(function.label, "Function code combined with layers exceeds the maximum allowed size "
                                        f"of {MAX_UNZIPPED_BYTES} bytes. The actual size is {total} bytes.")


def layer_version_arn(ctx: Context, layer: Any) -> str:
    """Publish a spec ``LayerVersion`` (once per deployment) and return its version ARN. Lambda
    layers take no tags: a leftover is found by its name, which starts with the run's prefix."""

    def publish() -> str:
        content = layer_package(layer)  # a SpecError before anything is created
        name = layer.layer_name if layer.named else ctx.names.name(layer.layer_name, 64)
        kwargs: dict[str, Any] = {"LayerName": name, "Content": {"ZipFile": content}}
        if layer.description is not None:
            kwargs["Description"] = layer.description
        if layer.compatible_runtimes:
            kwargs["CompatibleRuntimes"] = list(layer.compatible_runtimes)
        if layer.compatible_architectures:
            kwargs["CompatibleArchitectures"] = list(layer.compatible_architectures)
        if layer.license is not None:
            kwargs["LicenseInfo"] = layer.license
        published = ctx.clients.get("lambda").publish_layer_version(**kwargs)
        ctx.ledger.add("layer_version", name, version=int(published["Version"]))
        return cast(str, published["LayerVersionArn"])

    return ctx.once("layer_version", layer, publish)


def function_arn(ctx: Context, function: Any) -> str:
    """Create the Lambda function of a spec ``Function`` (once per deployment) and wait for it."""

    def create() -> str:
        zipped = package(function)  # a SpecError before anything is created when unshippable
        check_unzipped_size(function, zipped)
        # a function_name the spec gives is used as is (as CloudFormation's FunctionName is)
        name = function.function_name if function.named else ctx.names.name(function.function_name, 64)
        layers = [layer_version_arn(ctx, layer) for layer in function.layers]
        kwargs = {
            "FunctionName": name, "Runtime": function.runtime, "Role": role_arn(ctx),
            "Handler": zipped.handler, "Code": {"ZipFile": zipped.zip_bytes},
            "Timeout": max(1, math.ceil(function.timeout)), "MemorySize": function.memory_size,
            "Environment": {"Variables": dict(function.environment)},
            "Tags": ctx.names.tags(function.label), "Publish": False,
        }
        if layers:
            kwargs["Layers"] = layers
        config = _create(ctx, kwargs)
        ctx.ledger.add("function", name)
        ctx.pending[name] = config
        return cast(str, config["FunctionArn"])

    return ctx.once("function", function, create)


def wait_active(ctx: Context) -> None:
    """Wait until every function created so far is Active (they settle in parallel)."""
    while ctx.pending:
        name, config = next(iter(ctx.pending.items()))
        _wait_active(ctx, name, config)
        del ctx.pending[name]


def _wait_active(ctx: Context, name: str, config: dict[str, Any]) -> None:
    if config.get("State") in (None, "Active"):
        return
    lam = ctx.clients.get("lambda")

    def active() -> bool:
        state = lam.get_function_configuration(FunctionName=name).get("State")
        if state == "Failed":
            from pytest_apigw.errors import DeployError

            raise DeployError(f"Lambda function {name} failed to become active")
        return state in (None, "Active")

    poll(f"Lambda function {name} to become Active", active, timeout=300 if ctx.real_aws else 30)


def invocation_uri(ctx: Context, function_arn: str) -> str:
    """The Lambda invocation URI API Gateway calls (CDK writes it for WebSocket integrations and
    for Lambda authorizers' ``AuthorizerUri``)."""
    c = ctx.clients
    path = f"path/2015-03-31/functions/{function_arn}/invocations"
    return f"arn:{c.partition}:apigateway:{c.region}:lambda:{path}"


def allow_api_gateway(ctx: Context, function_name_or_arn: str, api_id: str, resource: str) -> None:
    """Let API Gateway invoke the function, as CDK does: source ARN ``<api>/*/*<path>`` for an
    HTTP route (``<api>/*/*`` for ``$default``), ``<api>/*/<routeKey>`` for a WebSocket route,
    ``<api>/authorizers/<authorizerId>`` for a Lambda authorizer."""
    source = ctx.arn("execute-api", f"{api_id}/{resource}")
    statement = ctx.names.name(f"apigw-{len(ctx.ledger)}", 100)
    ctx.clients.get("lambda").add_permission(
        FunctionName=function_name_or_arn, StatementId=statement, Action="lambda:InvokeFunction",
        Principal="apigateway.amazonaws.com", SourceArn=source,
    )
    ctx.ledger.add("lambda_permission", statement, function=function_name_or_arn, source_arn=source)
