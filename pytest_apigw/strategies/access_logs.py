"""Access-log formats for HTTP API stages: JSON or CLF-like text built from a generated subset
of the ``$context`` variables AWS documents (``http-api-logging-variables.md``), always holding
``$context.requestId`` or ``$context.extendedRequestId`` as AWS requires."""

from __future__ import annotations

import json
from dataclasses import dataclass

from hypothesis import strategies as st

from pytest_apigw.access_log import HTTP_CLF_FORMAT, HTTP_JSON_FORMAT, variables_in

#: Variables of every HTTP API request (no authorizer, no custom domain).
HTTP_VARIABLES = (
    "requestId", "extendedRequestId", "httpMethod", "path", "protocol", "domainName", "apiId",
    "identity.sourceIp", "stage", "routeKey", "status", "error.message", "responseLength",
    "integrationStatus", "requestTime", "requestTimeEpoch", "responseLatency", "integrationLatency",
)
REQUIRED = ("requestId", "extendedRequestId")
#: Text between variables of a CLF-like format (none starts with a name character or ``.``,
#: which would extend the variable's name).
SEPARATORS = (" ", " - ", " | ", ",", "\t")
WRAPS = (("", ""), ("[", "]"), ('"', '"'), ("<", ">"))


@dataclass(frozen=True)
class LogFormat:
    """A generated format: ``kind`` ``json`` or ``text``, the ``variables`` it uses, in order."""

    kind: str
    text: str
    variables: tuple[str, ...]


#: The API Gateway console's samples for HTTP APIs (``http-api-logging.md``).
CONSOLE_SAMPLES = (
    LogFormat("json", HTTP_JSON_FORMAT, tuple(variables_in(HTTP_JSON_FORMAT))),
    LogFormat("text", HTTP_CLF_FORMAT, tuple(variables_in(HTTP_CLF_FORMAT))),
)


def access_log_formats() -> st.SearchStrategy[LogFormat]:
    """The console's two samples, JSON formats (``{"key":"$context.x", ...}``, every value
    quoted, as the console's sample) and CLF-like text formats (variables wrapped in ``[]``,
    quotes or nothing, between separators), of 2-10 variables."""
    return st.one_of(st.sampled_from(CONSOLE_SAMPLES), _generated_formats())


@st.composite
def _generated_formats(draw: st.DrawFn) -> LogFormat:
    names = draw(st.lists(st.sampled_from(HTTP_VARIABLES), unique=True, min_size=1, max_size=10))
    if not any(n in REQUIRED for n in names):
        names.insert(draw(st.integers(0, len(names))), draw(st.sampled_from(REQUIRED)))
    if draw(st.booleans()):
        keys = [n.replace(".", "_") for n in names]
        text = json.dumps({k: f"$context.{n}" for k, n in zip(keys, names, strict=True)},
                          separators=draw(st.sampled_from([(",", ":"), (", ", ": ")])))
        return LogFormat("json", text, tuple(names))
    parts: list[str] = []
    for index, name in enumerate(names):
        if index:
            parts.append(draw(st.sampled_from(SEPARATORS)))
        left, right = draw(st.sampled_from(WRAPS))
        parts.append(f"{left}$context.{name}{right}")
    return LogFormat("text", "".join(parts), tuple(names))
