"""What teams ship (CloudFormation, CDK, SAM, OpenAPI) read into spec objects.

``load_template(source)`` → :class:`Template` (``.apis``, ``.api(key)``, ``.functions``):
the flow is source (:mod:`.sources`) → local files ``sam package`` would upload
(:mod:`.packaged`) → SAM transform (:mod:`.sam`) → intrinsics
(:mod:`.intrinsics`) → one module per resource family (:mod:`.resources`) → spec objects.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pytest_apigw.errors import SpecError
from pytest_apigw.spec.function import Isolation
from pytest_apigw.templates import openapi, sam
from pytest_apigw.templates.build import Build
from pytest_apigw.templates.intrinsics import Resolver
from pytest_apigw.templates.packaged import inline_local_files
from pytest_apigw.templates.resources import apis, functions
from pytest_apigw.templates.sources import read_source
from pytest_apigw.templates.template import Template
from pytest_apigw.templates.upstreams import Upstreams

__all__ = ["Template", "load_template"]

#: API Gateway v1 resource types: refused with a clear reason.
REST_API_TYPES = ("AWS::ApiGateway::RestApi", "AWS::Serverless::Api")


def load_template(
    source: Any,
    *,
    stack: str | None = None,
    parameters: Mapping[str, Any] | None = None,
    upstreams: Mapping[str, Any] | None = None,
    handlers: Mapping[str, Any] | None = None,
    isolation: Isolation = "inprocess",
) -> Template:
    """Read what a team ships into spec objects ready for ``apigw.deploy``.

    ``source``: a template file (JSON or YAML, SAM included), a CDK cloud assembly directory
    (``cdk.out``; ``stack=`` picks a stack when it holds several), a template dict, an OpenAPI
    document (file or dict), or a live ``aws_cdk.Stack``. ``parameters``: CloudFormation
    parameter values. ``upstreams``: ``{URL or prefix, or LB/listener/target group/Cloud Map
    service id: "http://127.0.0.1:PORT"}``. ``handlers``: ``{function key: callable or
    "module.func"}``, test doubles replacing functions' code. ``isolation``: how the template's
    own Python functions run, ``"inprocess"`` (patchable, moto, coverage) or ``"process"``
    (worker processes: Lambda's environment, working directory and timeout exactly; test doubles
    stay in-process). Everything is read before anything
    is returned: a bad template raises :class:`~pytest_apigw.SpecError` and deploys nothing.
    """
    if isolation not in ("inprocess", "process"):
        raise SpecError("load_template", f"isolation must be 'inprocess' or 'process', got {isolation!r}")
    src = read_source(source, stack)
    src.template = inline_local_files(src.template, src.base_dir)
    if openapi.is_document(src.template):
        src.template = openapi.as_template(src.template)
    if sam.is_sam(src.template):
        src.template = sam.transform(src.template, src.base_dir, dict(parameters or {}))
    else:
        sam.refuse_untransformed(src.template)
    rest = _rest_apis(src.template)
    if rest and not any(isinstance(r, dict) and r.get("Type") == apis.API
                        for r in (src.template.get("Resources") or {}).values()):
        raise next(iter(rest.values()))  # nothing here is served: say why at once
    resolver = Resolver(src.template, dict(parameters or {}), src.stack_name)
    resolver.physical.index()
    build = Build(src, resolver, Upstreams(upstreams), dict(handlers or {}), isolation)
    built = {lid: apis.api(build, lid) for lid in build.of_type(apis.API)}
    everything = functions.all_functions(build)
    _check_options(build)
    names = {lid: build.keys(lid) for lid in build.resources}
    for lid, spec in built.items():
        names[lid].add(spec.api_name)
    for lid in everything:
        if lid in build.resources:
            names[lid].add(resolver.physical.function_name(lid))
    for lid in rest:
        names[lid] = build.keys(lid) | _api_name(src.template, lid)
    return Template(built, everything, names, src.description, resolver, refused=rest)


def _rest_apis(template: dict[str, Any]) -> dict[str, SpecError]:
    """The template's REST APIs (API Gateway v1), each with why it is not served: the template's
    HTTP and WebSocket APIs still are; asking for a REST API raises this."""
    refused: dict[str, SpecError] = {}
    for logical_id, resource in (template.get("Resources") or {}).items():
        kind = (resource or {}).get("Type") if isinstance(resource, dict) else None
        if kind in REST_API_TYPES:
            refused[logical_id] = SpecError(
                f"{kind} {logical_id!r}",
                "REST APIs (API Gateway v1) are not served: pytest-apigw tests HTTP and WebSocket APIs "
                "(AWS::ApiGatewayV2::Api, SAM's AWS::Serverless::HttpApi / HttpApi events); test this "
                "API with another tool or move it to an HTTP API",
            )
    return refused


def _api_name(template: dict[str, Any], logical_id: str) -> set[str]:
    """A REST API's literal ``Name``, by which a test may ask for it."""
    name = ((template["Resources"][logical_id].get("Properties")) or {}).get("Name")
    return {name} if isinstance(name, str) else set()


def _check_options(build: Build) -> None:
    unused_handlers = sorted(set(build.handlers) - build.used_handlers)
    if unused_handlers:
        raise SpecError("load_template", f"handlers={unused_handlers!r} match no function of the template "
                        "(use a logical id, CDK construct id or FunctionName)")
    unused = build.upstreams.unused()
    if unused:
        offered = ", ".join(sorted(build.upstreams.offered)) or "none"
        raise SpecError("load_template", f"upstreams={unused!r} match no HTTP integration URL, load "
                        "balancer, listener, target group or Cloud Map service of the template "
                        f"(it offers: {offered})")



