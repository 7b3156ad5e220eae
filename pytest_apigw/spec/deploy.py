"""What ``apigw.deploy(api, stage=...)`` means, decided once for every backend.

A deployment is checked as AWS checks ``CreateDeployment`` (an HTTP API needs a route, an API
needs a stage to deploy to), and the stage whose invoke URL becomes ``Deployment.url`` is chosen:
the one asked for, else ``$default``, else the first stage. The functions the API uses are
checked as Lambda's ``CreateFunction`` checks their layers (``layer.check_layers``).
"""

from __future__ import annotations

from pytest_apigw.errors import SpecError
from pytest_apigw.spec.function import Function
from pytest_apigw.spec.http_api import HttpApi
from pytest_apigw.spec.layer import check_layers
from pytest_apigw.spec.stage import DEFAULT_STAGE, Stage
from pytest_apigw.spec.websocket_api import WebSocketApi

Api = HttpApi | WebSocketApi


def functions_in(api: HttpApi | WebSocketApi) -> list[Function]:
    """Every :class:`Function` the API's routes use (integrations and Lambda authorizers), each
    once, in route order."""
    found: dict[int, Function] = {}
    for route in api.routes.values():
        for owner in (route.integration, route.authorizer):
            handler = getattr(owner, "handler", None)
            if isinstance(handler, Function):
                found.setdefault(id(handler), handler)
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
