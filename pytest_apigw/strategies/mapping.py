"""Parameter mappings of HTTP proxy integrations (``http-api-parameter-mapping.md``): every
documented request key (``append|overwrite|remove:header.x``, ``...:querystring.x``,
``overwrite:path``) and response key (``append|overwrite|remove:header.x``,
``overwrite:statuscode``, per status code), with static values, selectors and ``${...}``
templates.

The requests of :func:`mapped_requests` always carry what the values select (header ``x-in``,
query key ``q``): what AWS does with a missing source is not documented.
"""

from __future__ import annotations

import string

from hypothesis import strategies as st

from pytest_apigw.strategies.wire import HttpRequest

__all__ = ["mapped_requests", "request_mappings", "response_mappings"]

#: Header names the mappings act on: ``x-in`` is the one the client sends.
MAPPED_HEADERS = ("x-in", "x-m1", "x-m2")
#: Query keys the mappings act on: ``q`` is the one the client sends.
MAPPED_QUERY = ("q", "m")
#: Statuses the echo upstream is asked for (``x-echo-status``).
UPSTREAM_STATUSES = (200, 201, 404)
_TOKEN = st.text(string.ascii_letters + string.digits, min_size=1, max_size=6)


def _values(path_param: str | None) -> st.SearchStrategy[str]:
    selectors = ["$request.header.x-in", "$request.querystring.q", "$request.path", "$context.stage",
                 "$stageVariables.color", "${request.header.x-in}-${request.querystring.q}"]
    if path_param:
        selectors += [f"$request.path.{path_param}", f"item-${{request.path.{path_param}}}"]
    return st.one_of(_TOKEN, st.sampled_from(selectors))


@st.composite
def request_mappings(draw: st.DrawFn, *, path_param: str | None = None) -> dict[str, str]:
    """Request mappings: up to four keys on distinct targets (``path_param`` names the route's
    path parameter the values may select)."""
    targets = [f"header.{h}" for h in MAPPED_HEADERS] + [f"querystring.{q}" for q in MAPPED_QUERY] + ["path"]
    chosen = draw(st.lists(st.sampled_from(targets), max_size=4, unique=True))
    mapping: dict[str, str] = {}
    for target in chosen:
        if target == "path":
            paths = ["/mapped", "$request.path"]
            if path_param:
                paths.append(f"/mapped/${{request.path.{path_param}}}")
            mapping["overwrite:path"] = draw(st.sampled_from(paths))
            continue
        action = draw(st.sampled_from(["append", "overwrite", "remove"]))
        mapping[f"{action}:{target}"] = "" if action == "remove" else draw(_values(path_param))
    return mapping


@st.composite
def response_mappings(draw: st.DrawFn) -> dict[int, dict[str, str]]:
    """Response mappings for some of the upstream's statuses: header keys on ``x-up`` (the
    upstream's own header) and ``x-r1``, and ``overwrite:statuscode``."""
    statuses = draw(st.lists(st.sampled_from(UPSTREAM_STATUSES), max_size=2, unique=True))
    result: dict[int, dict[str, str]] = {}
    for status in statuses:
        mapping: dict[str, str] = {}
        for name in draw(st.lists(st.sampled_from(["x-up", "x-r1"]), max_size=2, unique=True)):
            action = draw(st.sampled_from(["append", "overwrite", "remove"]))
            value = draw(st.one_of(_TOKEN, st.sampled_from(["$response.header.x-up", "$context.stage"])))
            mapping[f"{action}:header.{name}"] = "" if action == "remove" else value
        if draw(st.booleans()):
            mapping["overwrite:statuscode"] = draw(st.sampled_from(["202", "418", "503"]))
        if mapping:
            result[status] = mapping
    return result


@st.composite
def mapped_requests(draw: st.DrawFn, *, paths: list[str]) -> HttpRequest:
    """Requests to ``paths`` (``{id}`` filled with a token) carrying ``x-in`` (once or twice),
    ``q`` (once or twice) and an ``x-echo-status`` the echo upstream answers with."""
    path = draw(st.sampled_from(paths)).replace("{id}", draw(_TOKEN))
    headers = [("X-In", v) for v in draw(st.lists(_TOKEN, min_size=1, max_size=2))]
    headers.append(("x-echo-status", str(draw(st.sampled_from(UPSTREAM_STATUSES)))))
    query = tuple(("q", v) for v in draw(st.lists(_TOKEN, min_size=1, max_size=2)))
    method = draw(st.sampled_from(["GET", "POST"]))
    body = draw(_TOKEN).encode() if method == "POST" else b""
    return HttpRequest(method, path, query=query, headers=tuple(headers),
                       content_type="text/plain" if body else None, body=body)
