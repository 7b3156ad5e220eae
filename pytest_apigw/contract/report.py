"""Failure reports: the spec as a route table, the request, the model's prediction beside the
observation, and the differences, in plain text."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from pytest_apigw.contract.model.expect import Diff
from pytest_apigw.contract.model.predict import Prediction
from pytest_apigw.contract.model.private import targets_of
from pytest_apigw.strategies.wire import HttpRequest, HttpResponse

if TYPE_CHECKING:
    from pytest_apigw.spec import HttpApi, WebSocketApi


def _integration(integration: Any) -> str:
    version = getattr(integration, "payload_format_version", None)
    name = type(integration).__name__
    if hasattr(integration, "url"):
        return f"{name}({integration.url}, {integration.method})"
    if hasattr(integration, "listener") or hasattr(integration, "service"):
        filters = getattr(integration, "attribute_filters", None)
        where = f", filters {filters}" if filters else ""
        return f"{name}({integration.method}, targets {', '.join(targets_of(integration))}{where})"
    return f"{name}(payload {version})" if version else name


def route_table(api: HttpApi | WebSocketApi) -> str:
    """``HttpApi 'x'`` with its stages (and variables) and one line per route."""
    lines = [f"{type(api).__name__} {api.id!r}"]
    for stage in api.stages:
        variables = f" variables={stage.stage_variables}" if stage.stage_variables else ""
        lines.append(f"  stage {stage.stage_name}{variables}")
    for key, route in api.routes.items():
        lines.append(f"  route {key:<32} -> {_integration(route.integration)}")
    return "\n".join(lines)


def _short(value: Any, limit: int = 2000) -> str:
    text = json.dumps(value, indent=1, sort_keys=True, default=repr) if not isinstance(value, str) else value
    return text if len(text) <= limit else text[:limit] + " ..."


def format_case(
    api: HttpApi, request: HttpRequest, prediction: Prediction, response: HttpResponse | None,
    diffs: list[Diff], observed: Any = None,
) -> str:
    """Everything needed to reproduce and judge a disagreement, as one block of text."""
    parts = [
        "== spec ==", route_table(api),
        "== request ==", request.describe(),
        "== model ==", prediction.describe(),
    ]
    if response is not None:
        parts += ["== observed ==", f"status {response.status}, {len(response.body)} body bytes"]
        if observed is not None:
            parts.append(_short(observed))
        elif response.body:
            parts.append(_short(response.body[:500].decode("utf-8", "replace")))
    parts += ["== differences (model vs observed) ==", *(f"  {d}" for d in diffs)]
    return "\n".join(parts)
