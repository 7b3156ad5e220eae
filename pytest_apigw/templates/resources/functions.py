"""``AWS::Lambda::Function`` → :class:`~pytest_apigw.Function`; ``AWS::Lambda::Permission`` →
whether API Gateway may invoke it.

Code comes from inline ``ZipFile`` text (written once to a private folder, so functions sharing
``index.handler`` never shadow each other), a cloud-assembly asset directory, or a SAM
``CodeUri`` (bundled first when it asks for SAM's esbuild build method: ``esbuild.py``); its
``Layers`` from ``layers.py``; ``handlers=`` replaces a function's code (and layers) with a
local test double.
"""

from __future__ import annotations

import atexit
import fnmatch
import hashlib
import re
import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pytest_apigw.errors import SpecError
from pytest_apigw.spec import Function
from pytest_apigw.spec.function import DEFAULT_TIMEOUT
from pytest_apigw.templates.intrinsics import scalar_text
from pytest_apigw.templates.physical import lambda_function_name
from pytest_apigw.templates.resources.esbuild import bundled
from pytest_apigw.templates.resources.layers import function_layers

if TYPE_CHECKING:
    from pytest_apigw.templates.build import Build

FUNCTION = "AWS::Lambda::Function"
PERMISSION = "AWS::Lambda::Permission"
#: The file CloudFormation writes inline ``ZipFile`` code to, by runtime family.
_INLINE_FILE = {"python": "index.py", "nodejs": "index.js"}
_inline_root: Path | None = None


def function_for_uri(build: Build, logical_id: str, prop: str, uri: Any) -> Function:
    """The function an integration or authorizer URI names (a Lambda ARN, or an
    ``arn:...:apigateway:...:lambda:path/.../functions/<arn>/invocations`` URI)."""
    owner = build.owner(uri, FUNCTION)
    if owner is not None:
        return function(build, owner)
    name = lambda_function_name(str(uri))
    if name is not None:
        for fn_id in build.of_type(FUNCTION):
            if build.resolver.physical.function_name(fn_id) == name:
                return function(build, fn_id)
        if name in build.handlers:
            return build.once("function", name, lambda: _double(build, name, name, {}))
        raise build.error(
            logical_id, prop, f"{uri!r} invokes function {name!r}, which is not in the template: "
            f"pass handlers={{{name!r}: my_handler}} to serve it with a local handler"
        )
    raise build.error(logical_id, prop, f"{uri!r} is not a Lambda function ARN or invocation URI")


def function(build: Build, logical_id: str) -> Function:
    """The :class:`Function` of an ``AWS::Lambda::Function`` resource (built once)."""
    return build.once("function", logical_id, lambda: _function(build, logical_id))


def all_functions(build: Build) -> dict[str, Function]:
    """Every function of the template that can be built (those the APIs use are built already;
    others that cannot be served locally, such as CDK's custom-resource providers, are left out)."""
    for logical_id in build.of_type(FUNCTION):
        try:
            function(build, logical_id)
        except SpecError:
            continue
    return build.built("function")


def _function(build: Build, logical_id: str) -> Function:
    props = build.props(logical_id)
    name = build.resolver.physical.function_name(logical_id)
    keys = build.keys(logical_id) | {name}
    for key in keys:
        if key in build.handlers:
            return _double(build, logical_id, key, props)
    runtime = str(props.get("Runtime") or "")
    handler = props.get("Handler")
    if not runtime or not handler:
        raise build.error(
            logical_id, "Code", "a container-image function (no Runtime/Handler) cannot run locally: "
            f"pass handlers={{{build.construct_id(logical_id)!r}: my_handler}}"
        )
    code, added = bundled(build, logical_id, _code_dir(build, logical_id, props, runtime), str(handler))
    layers = function_layers(build, logical_id, props)
    settings = _settings(build, logical_id, props)
    settings["environment"] = {**added, **settings["environment"]}
    try:
        isolation = build.isolation if runtime.startswith("python") else "inprocess"
        return _named(Function(
            _spec_id(logical_id), runtime=runtime, handler=str(handler), code=code, layers=layers,
            isolation=isolation, **settings,
        ), props, name)
    except SpecError as exc:
        if runtime.startswith("python"):
            raise SpecError(build.label(logical_id), exc.reason) from None
        raise SpecError(
            build.label(logical_id),
            f"property Runtime: runtime {runtime!r} cannot be served here ({exc.reason}); pass "
            f"handlers={{{build.construct_id(logical_id)!r}: my_handler}} to replace it with a Python "
            "test double",
        ) from None


def _double(build: Build, logical_id: str, key: str, props: dict[str, Any]) -> Function:
    """A function whose code is replaced by ``handlers[key]`` (a callable or ``"module.func"``)."""
    build.used_handlers.add(key)
    handler = build.handlers[key]
    name = build.resolver.physical.function_name(logical_id) if logical_id in build.resources else key
    return _named(Function(_spec_id(logical_id), handler=handler, **_settings(build, logical_id, props)),
                  props, name)


def _named(function: Function, props: dict[str, Any], name: str) -> Function:
    """Give the function its physical name. A ``FunctionName`` is kept as is by every backend
    (``named``); otherwise the name is CloudFormation's ``<stack>-<logical id>`` prefix, which
    provisioning backends make unique, as CloudFormation does."""
    if props.get("FunctionName") is not None:
        function.named = True
    function.function_name = name
    return function


def _settings(build: Build, logical_id: str, props: dict[str, Any]) -> dict[str, Any]:
    variables = ((props.get("Environment") or {}).get("Variables")) or {}
    try:
        timeout = float(props.get("Timeout", DEFAULT_TIMEOUT))
        memory = int(props.get("MemorySize", 128))
    except (TypeError, ValueError):
        raise build.error(logical_id, "Timeout", "Timeout and MemorySize must be numbers") from None
    return {
        "environment": {str(k): scalar_text(v) for k, v in variables.items()},
        "timeout": timeout,
        "memory_size": memory,
    }


def _spec_id(logical_id: str) -> str:
    return logical_id if logical_id[:1].isalnum() else f"Fn{logical_id}"


def _code_dir(build: Build, logical_id: str, props: dict[str, Any], runtime: str) -> Path:
    code = props.get("Code") or {}
    if "ZipFile" in code:
        return _inline(logical_id, str(code["ZipFile"]), runtime)
    metadata = build.resources[logical_id].get("Metadata") or {}
    local = metadata.get("pytest-apigw:code-dir")  # SAM CodeUri (see sam.py)
    if local is None and metadata.get("aws:asset:path"):
        local = build.source.base_dir / str(metadata["aws:asset:path"])
    if local is None and code.get("S3Key") in build.source.assets:
        local = build.source.assets[code["S3Key"]]
    if local is None:
        where = f"s3://{code.get('S3Bucket')}/{code.get('S3Key')}" if "S3Key" in code else repr(code)
        raise build.error(
            logical_id, "Code", f"the code is at {where}, which cannot be read locally: load the "
            "cdk.out folder (with its asset directories) or pass "
            f"handlers={{{build.construct_id(logical_id)!r}: my_handler}}"
        )
    path = Path(local)
    if not path.is_dir():
        raise build.error(
            logical_id, "Code", f"asset directory {str(path)!r} is missing: re-run `cdk synth` (or "
            "`sam build`) so the code is next to the template, or pass "
            f"handlers={{{build.construct_id(logical_id)!r}: my_handler}}"
        )
    return path


def _inline(logical_id: str, text: str, runtime: str) -> Path:
    """``ZipFile`` code in its own folder (one per distinct code), removed at exit."""
    global _inline_root
    if _inline_root is None:
        _inline_root = Path(tempfile.mkdtemp(prefix="pytest-apigw-zipfile-"))
        atexit.register(shutil.rmtree, _inline_root, True)
    family = next((f for f in _INLINE_FILE if runtime.startswith(f)), "python")
    digest = hashlib.sha1(f"{runtime}\0{text}".encode()).hexdigest()[:16]
    folder = _inline_root / f"{logical_id}-{digest}"
    if not folder.is_dir():
        folder.mkdir(parents=True)
        (folder / _INLINE_FILE[family]).write_text(text, encoding="utf-8")
    return folder


# -- permissions -------------------------------------------------------------------------------
def _api_gateway_grants(build: Build) -> dict[str, list[Any]]:
    """``{function logical id: [SourceArn pattern or None]}`` of the permissions that let API
    Gateway invoke a function (read once per template)."""

    def read() -> dict[str, list[Any]]:
        names = {build.resolver.physical.function_name(fn): fn for fn in build.of_type(FUNCTION)}
        grants: dict[str, list[Any]] = {}
        for permission_id in build.of_type(PERMISSION):
            props = build.props(permission_id)
            target = props.get("FunctionName")
            function_id = (build.owner(target, FUNCTION) or names.get(str(target))  # name, ARN
                           or names.get(lambda_function_name(str(target)) or ""))  # alias, version
            if function_id is None or not str(props.get("Principal", "")).startswith("apigateway."):
                continue
            if props.get("Action") not in ("lambda:InvokeFunction", "lambda:*", "lambda:Invoke*"):
                continue
            source = props.get("SourceArn")  # IAM ARN wildcards: * and ? match across '/'
            pattern = re.compile(fnmatch.translate(str(source))) if source is not None else None
            grants.setdefault(function_id, []).append(pattern)
        return grants

    return build.once("grants", "*", read)


def invoke_denied(build: Build, function_id: str | None, route_arns: list[str]) -> str | None:
    """``None`` when an ``AWS::Lambda::Permission`` lets API Gateway invoke the function for one
    of ``route_arns``; else why not (for the gateway log)."""
    if function_id is None or function_id not in build.resources:
        return None  # a test double for a function outside the template
    name = build.resolver.physical.function_name(function_id)
    for pattern in _api_gateway_grants(build).get(function_id, ()):
        if pattern is None or any(pattern.match(arn) for arn in route_arns):
            return None
    authorizer = bool(route_arns) and "/authorizers/" in route_arns[0]
    how = ("CDK's HttpLambdaAuthorizer does; SAM only with EnableFunctionDefaultPermissions: true on "
           "the authorizer" if authorizer else "CDK's HttpLambdaIntegration does, and SAM for a "
           "function's HttpApi event")
    return (
        f"no AWS::Lambda::Permission lets apigateway.amazonaws.com invoke function {name!r} "
        f"({function_id}) for {route_arns[0] if route_arns else 'this route'}: add one ({how}) "
        f"with SourceArn matching the {'authorizer' if authorizer else 'route'}"
    )
