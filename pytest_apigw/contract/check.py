"""Compare what a backend did with what the model predicts; return the differences."""

from __future__ import annotations

import json
from typing import Any

from pytest_apigw.contract.model import lambda_event
from pytest_apigw.contract.model.expect import Diff, compare
from pytest_apigw.contract.model.lambda_response import ExpectedResponse
from pytest_apigw.contract.model.predict import Prediction
from pytest_apigw.strategies.wire import HttpResponse


def observed_response(response: HttpResponse) -> dict[str, Any]:
    """A response in the shape :meth:`ExpectedResponse.as_dict` predicts (repeated headers
    joined with commas, ``set-cookie`` values as a list)."""
    headers: dict[str, str] = {}
    for name, value in response.headers:
        if name != "set-cookie":
            headers[name] = f"{headers[name]},{value}" if name in headers else value
    return {"status": response.status, "headers": headers, "body": response.body,
            "set-cookie": response.header_values("set-cookie")}


def check_response(expected: ExpectedResponse, response: HttpResponse, *, head: bool = False) -> list[Diff]:
    """Status, predicted headers and body (no body for HEAD)."""
    wanted = expected.as_dict()
    if head:
        wanted.pop("body")
    return compare(wanted, observed_response(response))


def observed_event(response: HttpResponse) -> Any:
    """The event an echo probe returned, or the raw body text when it is not JSON."""
    try:
        return response.json()
    except ValueError:
        return response.body.decode("utf-8", "replace")


def check_echo(prediction: Prediction, response: HttpResponse, method: str) -> tuple[list[Diff], Any]:
    """For an API whose integrations are echo probes: ``(differences, observed event)``."""
    if prediction.response is not None:
        return check_response(prediction.response, response, head=method == "HEAD"), None
    if response.status != 200:
        return [Diff("status", 200, response.status)], observed_event(response)
    if method == "HEAD":
        return [], None
    event = observed_event(response)
    if isinstance(event, dict) and event.get("version") == "1.0":
        event = lambda_event.lower_header_names(event)
    return compare(prediction.expected_input, event), event


def as_json(value: Any) -> str:
    """Pretty JSON for notes."""
    return json.dumps(value, indent=1, sort_keys=True, default=repr)
