"""What ``apigw.deploy(api, stage=...)`` means, decided once for every backend.

A deployment is checked as AWS checks ``CreateDeployment`` (an HTTP API needs a route, an API
needs a stage to deploy to), and the stage whose invoke URL becomes ``Deployment.url`` is chosen:
the one asked for, else ``$default``, else the first stage. The functions the API uses are
checked as Lambda's ``CreateFunction`` checks their layers (``layer.check_layers``).
"""

from __future__ import annotations

from typing import Any

from pytest_apigw.errors import SpecError
from pytest_apigw.spec.function import Function
from pytest_apigw.spec.http_api import HttpApi
from pytest_apigw.spec.layer import check_layers
from pytest_apigw.spec.stage import DEFAULT_STAGE, Stage
from pytest_apigw.spec.websocket_api import WebSocketApi

Api = HttpApi | WebSocketApi
#: Objects of these modules are walked for functions; anything else is a leaf.
_SPEC_PACKAGE = "pytest_apigw.spec"


def functions_in(api: Any) -> list[Function]:
    """Every :class:`Function` reachable from ``api`` through spec objects, lists and dicts,
    each once, in the order met."""
    found: dict[int, Function] = {}
    seen: set[int] = set()
    stack: list[Any] = [api]
    while stack:
        obj = stack.pop()
        if id(obj) in seen:
            continue
        seen.add(id(obj))
        if isinstance(obj, Function):
            found.setdefault(id(obj), obj)
        elif isinstance(obj, list | tuple | set | frozenset):
            stack.extend(obj)
        elif isinstance(obj, dict):
            stack.extend(obj.values())
        elif type(obj).__module__.startswith(_SPEC_PACKAGE) and hasattr(obj, "__dict__"):
            stack.extend(vars(obj).values())
    return list(found.values())


def deploy_target(api: object, stage: str | None = None) -> Stage:
    """The stage ``api`` is deployed to; a :class:`SpecError` for what AWS would reject."""
    if not isinstance(api, HttpApi | WebSocketApi):
        raise SpecError("deploy", f"expected an HttpApi or WebSocketApi, got {api!r}")
    if isinstance(api, HttpApi) and not api.routes:
        raise SpecError(
            api.label, "Unable to deploy API because no routes exist in this API (add a "
            "route with add_routes() or default_integration=)"
        )
    if not api.stages:
        hint = "keep create_default_stage=True or add an HttpStage" if isinstance(api, HttpApi) \
            else "add a WebSocketStage"
        raise SpecError(api.label, f"has no stage to deploy to: {hint}")
    for function in functions_in(api):
        check_layers(function)
    if stage is not None:
        for candidate in api.stages:
            if candidate.stage_name == stage:
                return candidate
        names = ", ".join(s.stage_name for s in api.stages)
        raise SpecError(api.label, f"has no stage {stage!r} (stages: {names})")
    for candidate in api.stages:
        if candidate.stage_name == DEFAULT_STAGE:
            return candidate
    return api.stages[0]
