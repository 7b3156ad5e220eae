"""Access-log formats for HTTP API stages: JSON or CLF-like text built from a generated subset
of the ``$context`` variables AWS documents (``http-api-logging-variables.md``), always holding
``$context.requestId`` or ``$context.extendedRequestId`` as AWS requires."""

from __future__ import annotations

import json
from dataclasses import dataclass

from hypothesis import strategies as st

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


@st.composite
def access_log_formats(draw: st.DrawFn) -> LogFormat:
    """JSON formats (``{"key":"$context.x", ...}``, every value quoted, as the console's sample)
    and CLF-like text formats (variables wrapped in ``[]``, quotes or nothing, between separators)."""
    names = draw(st.lists(st.sampled_from(HTTP_VARIABLES), unique=True, max_size=8))
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
