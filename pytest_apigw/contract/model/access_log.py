"""The access-log line an HTTP API stage writes for one request, predicted from the rest of the model.

AWS's page "Customize HTTP API access logs" (``http-api-logging-variables.md``,
https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-logging-variables.html) is
the reference for every variable below; ``http-api-logging.md`` says a format is one line of
``$context`` variables, a variable without a value is written ``-``, and the format must hold
``$context.requestId`` or ``$context.extendedRequestId``. What the model predicts:

- ``requestId`` / ``extendedRequestId``: the request's id, the one the client gets in the
  ``apigw-requestid`` response header (the page: ``extendedRequestId`` "is equivalent to
  ``$context.requestId``");
- ``httpMethod``, ``path`` ("the request path", stage segment included, as the client sent it),
  ``protocol`` ("for example, ``HTTP/1.1``"), ``domainName`` ("should be the same as the incoming
  ``Host`` header"), ``apiId``, ``identity.sourceIp`` (the loopback client);
- ``stage`` and ``routeKey`` as :func:`~.predict.predict` selects them (``-`` when no route
  matches), ``status`` ("the method response status": 200 from an echo probe, else the
  gateway's own answer), ``error.message`` (the gateway's message, ``Not Found``, else ``-``);
- ``responseLength`` ("the response payload length in bytes": the body the client got);
- ``integrationStatus``: "for a Lambda proxy integration, the status code returned from AWS
  Lambda, not from the backend Lambda function code" (200), ``-`` when no integration ran.

Values no model can predict are checked for shape only (:class:`Shape`): ``requestTime`` (CLF,
``dd/MMM/yyyy:HH:mm:ss +-hhmm``), ``requestTimeEpoch`` (milliseconds), ``responseLatency`` and
``integrationLatency`` (ms). A request no stage serves writes no line (there is no stage log).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from pytest_apigw.contract.model.expect import Diff
from pytest_apigw.contract.model.predict import Prediction
from pytest_apigw.strategies.wire import HttpRequest

#: ``$context.name`` with dotted parts (``$context.identity.sourceIp``), as ``http-api-logging.md``
#: writes them.
VARIABLE = re.compile(r"\$context\.([A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)*)")
#: What AWS writes for a variable without a value.
NO_VALUE = "-"


@dataclass(frozen=True)
class Shape:
    """A value the model cannot predict (a time, a latency), checked for its form only."""

    pattern: str
    what: str

    def matches(self, text: str) -> bool:
        """True when ``text`` has this shape."""
        return re.fullmatch(self.pattern, text) is not None

    def __repr__(self) -> str:
        return f"<{self.what}>"


Expected = str | Shape

CLF_TIME = Shape(r"\d{2}/[A-Z][a-z]{2}/\d{4}:\d{2}:\d{2}:\d{2} [+-]\d{4}", "CLF time")
EPOCH_MS = Shape(r"\d{13}", "epoch ms")
MILLISECONDS = Shape(r"\d+", "ms")
LENGTH = Shape(r"\d+", "bytes")
ANY_ID = Shape(r"[^\s\"]+", "an id")


def _one_of(values: list[str]) -> Expected:
    """One value, or any of several (an undocumented tie or an ambiguous path)."""
    unique = sorted(set(values))
    if len(unique) == 1:
        return unique[0]
    return Shape("|".join(re.escape(v) for v in unique), " or ".join(unique))


def expected_values(prediction: Prediction, request: HttpRequest, *, request_id: str | None, host: str,
                    api_id: str | None, body_length: int | None) -> dict[str, Expected]:
    """The value of every variable the model predicts for ``request`` (``body_length`` is the
    length of the body the client got, ``None`` for HEAD)."""
    readings = [prediction, *prediction.alternatives]
    routed = [p for p in readings if p.response is None]
    route_keys = [k for p in readings if p.selection for k, _ in p.selection.candidates] or [NO_VALUE]
    statuses = [str(p.response.status if p.response is not None else 200) for p in readings]
    messages = [NO_VALUE if p.response is None else _message(p.response.body) for p in readings]
    the_id: Expected = request_id if request_id else ANY_ID
    return {
        "requestId": the_id,
        "extendedRequestId": the_id,
        "httpMethod": request.method,
        "path": request.path,
        "protocol": "HTTP/1.1",
        "domainName": host,
        "apiId": api_id if api_id else ANY_ID,
        "identity.sourceIp": "127.0.0.1",
        "stage": prediction.stage or NO_VALUE,
        "routeKey": _one_of(route_keys if len(routed) == len(readings) else [*route_keys, NO_VALUE]),
        "status": _one_of(statuses),
        "error.message": _one_of(messages),
        "responseLength": LENGTH if body_length is None else str(body_length),
        "integrationStatus": _one_of(["200" if p.response is None else NO_VALUE for p in readings]),
        "requestTime": CLF_TIME,
        "requestTimeEpoch": EPOCH_MS,
        "responseLatency": MILLISECONDS,
        "integrationLatency": _one_of_shape(
            [MILLISECONDS if p.response is None else NO_VALUE for p in readings]),
    }


def _one_of_shape(values: list[Expected]) -> Expected:
    if all(v == values[0] for v in values):
        return values[0]
    return Shape("|".join(v.pattern if isinstance(v, Shape) else re.escape(v) for v in values), "ms or -")


def _message(body: Any) -> str:
    """The gateway's ``{"message": ...}`` answer's message."""
    try:
        message = json.loads(body).get("message") if isinstance(body, bytes | str) else body.get("message")
    except (ValueError, AttributeError):
        return NO_VALUE
    return message if isinstance(message, str) else NO_VALUE


def _matches(expected: Expected, text: str) -> bool:
    return expected.matches(text) if isinstance(expected, Shape) else expected == text


def check_json_line(fmt: str, values: dict[str, Expected], line: str) -> list[Diff]:
    """A JSON format's line, field by field (each field holds one variable, quoted)."""
    template = json.loads(fmt)
    try:
        observed = json.loads(line)
    except ValueError:
        return [Diff("line", "a JSON object", line)]
    diffs = []
    for key, holder in template.items():
        name = holder.removeprefix("$context.")
        value = observed.get(key) if isinstance(observed, dict) else None
        if not isinstance(value, str) or not _matches(values[name], value):
            diffs.append(Diff(f"{key} ($context.{name})", values[name], value))
    return diffs


def check_text_line(fmt: str, values: dict[str, Expected], line: str) -> list[Diff]:
    """A text (CLF-like) format's line: the whole rendered string, shapes where values are unknown."""
    pieces = VARIABLE.split(fmt)
    literals, names = pieces[0::2], pieces[1::2]
    pattern = [re.escape(literals[0])]
    shown = [literals[0]]
    for name, literal in zip(names, literals[1:], strict=True):
        want = values[name]
        pattern.append(f"(?:{want.pattern})" if isinstance(want, Shape) else re.escape(want))
        pattern.append(re.escape(literal))
        shown.extend((repr(want) if isinstance(want, Shape) else want, literal))
    if re.fullmatch("".join(pattern), line):
        return []
    return [Diff("line", "".join(shown), line)]
