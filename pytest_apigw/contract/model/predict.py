"""The model's prediction for one spec and one request: stage → route → integration input,
or the gateway's own answer."""

from __future__ import annotations

from dataclasses import dataclass
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
    selection = select_route(list(api.routes), request.method, stage_path)
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
