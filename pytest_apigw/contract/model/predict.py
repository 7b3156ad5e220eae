"""The model's prediction for one spec and one request: stage → route → integration input,
or the gateway's own answer.

Readings AWS leaves open (:func:`routing_readings`): AWS documents that path parameters are
URL-decoded, not whether an encoded ``/`` (``%2F``) splits segments before routing (public
reports of HTTP APIs say it does), nor what an empty segment (``//``) or a trailing ``/`` does
to route matching. For such a path the prediction carries ``alternatives``, one per other
reading; a backend that satisfies any reading agrees with the model.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from pytest_apigw.contract.model.expect import OneOf
from pytest_apigw.contract.model.integrations import Routed, expected_input
from pytest_apigw.contract.model.lambda_response import NOT_FOUND, ExpectedResponse
from pytest_apigw.contract.model.routing import RouteSelection, select_route
from pytest_apigw.contract.model.stages import select_stage
from pytest_apigw.strategies.wire import HttpRequest


@dataclass
class Prediction:
    """``stage``/``selection`` are ``None`` when the request never reaches a route; then
    ``response`` is the gateway's answer. Otherwise ``inputs`` maps each acceptable route key
    to what its integration receives (more than one only on an undocumented tie)."""

    stage: str | None
    stage_path: str | None
    selection: RouteSelection | None
    inputs: dict[str, Any]
    response: ExpectedResponse | None
    integrations: dict[str, Any]
    #: The predictions of the other readings of an ambiguous path (see the module docstring).
    alternatives: list[Prediction] = field(default_factory=list)

    @property
    def route_key(self) -> str | None:
        """The (first) selected route key."""
        return self.selection.key if self.selection else None

    @property
    def expected_input(self) -> Any:
        """The integration input, a :class:`OneOf` on a tie."""
        values = list(self.inputs.values())
        return values[0] if len(values) == 1 else OneOf(tuple(values), "tie between routes")

    def describe(self) -> str:
        """One line: stage, route, rule, parameters."""
        if self.stage is None:
            return "no stage matches and there is no $default stage: 404 Not Found"
        assert self.selection is not None
        if not self.selection.candidates:
            return f"stage {self.stage!r}, path {self.stage_path!r}: {self.selection.rule}"
        routes = " or ".join(f"{k!r} {p}" for k, p in self.selection.candidates)
        return f"stage {self.stage!r}, path {self.stage_path!r}: route {routes} ({self.selection.rule})"


def predict(api: Any, request: HttpRequest, *, host: str, api_id: str | None = None,
            payload_version: str | None = None) -> Prediction:
    """Predict what ``api`` (an :class:`~pytest_apigw.HttpApi`) does with ``request``.

    ``host`` is the ``Host`` the client sends (the event's ``domainName``); ``api_id`` the
    deployment's id when the backend reports the one AWS would put in ``requestContext.apiId``;
    ``payload_version`` predicts Lambda proxy events of that version whatever the integration says.
    """
    stages = {s.stage_name: s for s in api.stages}
    chosen = select_stage(stages, request.path)
    if chosen is None:
        return Prediction(None, None, None, {}, NOT_FOUND, {})
    stage, stage_path = chosen
    main = _routed(api, request, stages, stage, stage_path, stage_path, host, api_id, payload_version)
    for reading in routing_readings(stage_path):
        other = _routed(api, request, stages, stage, stage_path, reading, host, api_id, payload_version)
        if other.inputs != main.inputs or other.response != main.response:
            main.alternatives.append(other)
    return main


_ENCODED_SLASH = re.compile("%2f", re.IGNORECASE)


def routing_readings(stage_path: str) -> list[str]:
    """The other paths route matching may see for ``stage_path``: ``%2F`` decoded before the
    path is split, empty segments and a trailing ``/`` dropped, and both."""
    decoded = _ENCODED_SLASH.sub("/", stage_path)
    readings = [decoded]
    for path in (stage_path, decoded):
        collapsed = "/" + "/".join(part for part in path.split("/") if part)
        readings.append(collapsed)
    return [r for i, r in enumerate(readings) if r != stage_path and r not in readings[:i]]


def _routed(api: Any, request: HttpRequest, stages: dict[str, Any], stage: str, stage_path: str,
            routing_path: str, host: str, api_id: str | None, payload_version: str | None) -> Prediction:
    selection = select_route(list(api.routes), request.method, routing_path)
    if not selection.candidates:
        return Prediction(stage, stage_path, selection, {}, NOT_FOUND, {})
    inputs, integrations = {}, {}
    for key, params in selection.candidates:
        integration = api.routes[key].integration
        routed = Routed(stage, stage_path, key, params, stages[stage].stage_variables, host, api_id,
                        payload_version)
        inputs[key] = expected_input(integration, request, routed)
        integrations[key] = integration
    return Prediction(stage, stage_path, selection, inputs, None, integrations)
