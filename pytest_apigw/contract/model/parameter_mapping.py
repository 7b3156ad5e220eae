"""Parameter mapping of HTTP proxy integrations (``http-api-parameter-mapping.md``).

Request keys ``append|overwrite|remove:header.NAME``, ``append|overwrite|remove:querystring.NAME``
and ``overwrite:path``; response keys ``append|overwrite|remove:header.NAME`` and
``overwrite:statuscode``, configured per status code of the integration's response. Values:
``$request.header.NAME`` ("header names are case-insensitive", several values "combined with
commas"), ``$request.querystring.NAME`` (names case-sensitive, values combined with commas),
``$request.path`` ("the request path, without the stage name"), ``$request.path.NAME`` (a path
parameter), ``$context.NAME``, ``$stageVariables.NAME``, ``$response.header.NAME`` (responses),
static text, and several selectors in one value written ``${...}``.

Undocumented choices, named here: every value is taken from the request as the client sent it
(mappings do not see each other's changes); ``append`` to a header the request has gives both
values (compared comma-joined, however they are put on the wire); ``append`` to a query key
adds a value after the client's; a generated mapping always names a source the request has
(what AWS does with a missing one is not documented).
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import unquote

from pytest_apigw.contract.model.encoding import grouped, parse_query
from pytest_apigw.contract.model.expect import ABSENT, UNSPECIFIED

_TEMPLATE = re.compile(r"\$\{([^}]*)\}")
_SELECTOR = re.compile(r"^\$((?:request|response|context|stageVariables)\..+)$")


class Sources:
    """What mapping values select from: the request, the route, the stage, the response."""

    def __init__(self, request: Any, routed: Any, response_headers: dict[str, str] | None = None) -> None:
        self.request = request
        self.routed = routed
        self.response_headers = response_headers or {}

    def header(self, name: str) -> str | None:
        """The client's header ``name`` (case-insensitive), several values comma-joined."""
        values = [v for k, v in self.request.wire_headers() if k.lower() == name.lower()]
        return ",".join(values) if values else None

    def resolve(self, selector: str) -> str | None:
        """``request.header.x`` and friends → text (``None``: not there)."""
        kind, _, rest = selector.partition(".")
        where, _, name = rest.partition(".")
        if kind == "request":
            if where == "header":
                return self.header(name)
            if where == "querystring":
                values = grouped(parse_query(self.request.query_string)).get(name)
                return ",".join(values) if values else None
            if where == "path":
                return unquote(self.routed.stage_path) if not name else self.routed.path_params.get(name)
        if kind == "response" and where == "header":
            return self.response_headers.get(name.lower())
        if kind == "stageVariables":
            variable: str | None = self.routed.stage_variables.get(rest)
            return variable
        if kind == "context":
            known = {"stage": self.routed.stage, "routeKey": self.routed.route_key,
                     "httpMethod": self.request.method}
            return known.get(rest)
        return None

    def value(self, text: str) -> str | None:
        """A mapping value as text (``None`` when its one selector names nothing)."""
        if "${" in text:
            return _TEMPLATE.sub(lambda m: self.resolve(m.group(1)) or "", text)
        selector = _SELECTOR.match(text)
        return self.resolve(selector.group(1)) if selector else text


def _key(key: str) -> tuple[str, str, str]:
    action, _, target = key.partition(":")
    kind, _, name = target.partition(".")
    return action, kind, name.lower() if kind == "header" else name


def map_request(mappings: dict[str, str], sources: Sources, *, path: Any, headers: dict[str, Any],
                query: list[tuple[str, str]]) -> tuple[Any, dict[str, Any], list[tuple[str, str]]]:
    """``(path, headers, query)`` the integration receives after ``mappings``.

    ``headers`` maps lower-case names to the comma-joined value the client sent (the names the
    caller compares); ``query`` is the decoded pairs the integration would get unmapped.
    """
    values = {key: sources.value(value) for key, value in mappings.items()}
    headers = dict(headers)
    query = list(query)
    for key, value in values.items():
        action, kind, name = _key(key)
        if action != "remove" and value is None:
            continue
        if kind == "path":
            path = value if str(value).startswith("/") else f"/{value}"
        elif kind == "header":
            old = headers.get(name, ABSENT)
            if action == "remove":
                headers[name] = ABSENT
            elif action == "append" and old not in (ABSENT, UNSPECIFIED):
                headers[name] = f"{old},{value}"
            else:
                headers[name] = value
        elif kind == "querystring":
            if action in ("remove", "overwrite"):
                query = [(k, v) for k, v in query if k != name]
            if action != "remove":
                query.append((name, str(value)))
    return path, headers, query


def map_response(per_status: dict[int, dict[str, str]], status: int, headers: dict[str, Any],
                 sources: Sources) -> tuple[int, dict[str, Any]]:
    """``(status, headers)`` the client gets when the integration answered ``status`` with
    ``headers`` (lower-case names → comma-joined values): the mapping for that status code, if any."""
    mappings = per_status.get(status)
    if not mappings:
        return status, headers
    values = {key: sources.value(value) for key, value in mappings.items()}
    headers = dict(headers)
    for key, value in values.items():
        action, kind, name = _key(key)
        if kind == "statuscode":
            status = int(value) if value is not None and value.isdigit() else status
        elif action == "remove":
            headers[name] = ABSENT
        elif value is None:
            continue
        elif action == "append" and headers.get(name, ABSENT) is not ABSENT:
            headers[name] = f"{headers[name]},{value}"
        else:
            headers[name] = value
    return status, headers
