"""Target health and load spreading behind private integrations: which answers are possible when
some of a listener's targets (or a Cloud Map service's instances) are down.

Followed:

- ``http-api-develop-integrations-private.md``: for Cloud Map, API Gateway "distributes requests
  across healthy resources" (the instances ``DiscoverInstances`` returns for the integration's
  attribute filters); a load balancer listener sends to a target of its target group.
- Elastic Load Balancing, ``target-group-health-checks.md`` (ALB and NLB guides alike): "Each load
  balancer node routes requests only to the healthy targets"; "If a target group contains only
  unhealthy registered targets, the load balancer routes requests to all those targets,
  regardless of their health status" (it *fails open*).
- ALB, ``load-balancer-troubleshooting.md``, "HTTP 502: Bad gateway": "The load balancer received
  a TCP RST from the target when attempting to establish a connection". An ALB whose targets all
  refuse connections fails open, meets a refusal and answers 502 itself; API Gateway relays the
  ALB's answer (the body is the ALB's own page: not predicted).

Undocumented choices, each one line to change:

- a target that refuses connections (closed port) is what health checks mark unhealthy, and the
  model predicts the steady state (health checks have run): with any healthy target left, a
  request is relayed by one of the healthy ones, never answered with an error;
- which healthy target serves a request is not predicted (ALB round robin runs per load balancer
  node; an NLB hashes flows; Cloud Map returns instances in random order): any healthy one;
- an NLB or a Cloud Map service whose every target refuses: API Gateway's own
  503 ``{"message":"Service Unavailable"}`` (:data:`ALL_DOWN`), the answer public reports show for
  an integration endpoint that cannot be connected to;
- instances that the attribute filters exclude are never used, not even when every matching one
  is down (``DiscoverInstances`` never returns them).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection
from typing import Any

from pytest_apigw.contract.model.expect import UNSPECIFIED, OneOf
from pytest_apigw.contract.model.lambda_response import ExpectedResponse, gateway_error
from pytest_apigw.contract.model.predict import Prediction
from pytest_apigw.contract.model.private import targets_of
from pytest_apigw.spec import HttpAlbIntegration

#: An ALB whose targets all refuse: fails open, meets a TCP RST, answers 502 (its own page).
ALB_ALL_DOWN = ExpectedResponse(502, {}, body=UNSPECIFIED)
#: An NLB or Cloud Map service whose targets all refuse: API Gateway's own answer (undocumented).
ALL_DOWN = gateway_error(503, "Service Unavailable")


def healthy_targets(integration: Any, down: Collection[str]) -> list[str]:
    """``ip:port`` of the targets (instances the filters select) that are not ``down``."""
    return [t for t in targets_of(integration) if t not in down]


def all_down_answer(integration: Any) -> ExpectedResponse:
    """What the client gets when every target of ``integration`` refuses connections."""
    if isinstance(integration, HttpAlbIntegration):
        return ALB_ALL_DOWN
    return ALL_DOWN


def with_health(prediction: Prediction, down: Collection[str]) -> Prediction:
    """``prediction`` (of a private integration, every target assumed up) with ``down`` targets
    taken into account: the input's ``target`` is one of the healthy ones, or, when none is
    left, the answer of :func:`all_down_answer`."""
    others = [with_health(other, down) for other in prediction.alternatives]
    if prediction.response is not None or not prediction.inputs:
        return dataclasses.replace(prediction, alternatives=others)
    inputs: dict[str, Any] = {}
    answers: list[ExpectedResponse] = []
    for key, expected in prediction.inputs.items():
        integration = prediction.integrations[key]
        healthy = healthy_targets(integration, down)
        if not healthy:
            answers.append(all_down_answer(integration))
        elif isinstance(expected, dict):
            inputs[key] = {**expected, "target": OneOf(tuple(healthy), "one of the healthy targets")}
        else:
            inputs[key] = expected
    if not inputs:  # every candidate route's targets are down
        return dataclasses.replace(prediction, inputs={}, response=answers[0], alternatives=others)
    if answers:  # a tie between routes (undocumented) where one route's targets are all down
        others.append(dataclasses.replace(prediction, inputs={}, response=answers[0], alternatives=[]))
    return dataclasses.replace(prediction, inputs=inputs, alternatives=others)


def describe_targets(integration: Any, down: Collection[str]) -> str:
    """``127.0.0.1:1 (down), 127.0.0.1:2`` for a report."""
    return ", ".join(f"{t} (down)" if t in down else t for t in targets_of(integration))
