"""Route coverage seen from the client: requests through a deployment's own clients, attributed
to routes with the reference model's route matching.

For a backend that keeps no record of which route a request matched (MiniStack writes no access
log): ``deployment.client()`` and the WebSocket helpers report each request
(:mod:`pytest_apigw.client_events`); :func:`attribute` says which route of the spec AWS would
have selected (:mod:`pytest_apigw.contract.model.routing` for HTTP APIs,
:mod:`pytest_apigw.contract.model.websocket` for WebSocket APIs). Requests made with any other
client are not seen: the report says so beside the counts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from pytest_apigw.client_events import ClientEvent

# The reference model (``pytest_apigw.contract.model``) is imported where a request is attributed,
# not here: this module is loaded at session start, the model (and what it imports) on first use.

#: What the report says the counts of such an API came from.
SOURCE = "client-side: requests through the fixture's clients only"


@dataclass(frozen=True)
class Hit:
    """A client event attributed: the route key (``None``: no route matched) and the status the
    client saw (``None`` when a client learns none, e.g. a WebSocket message)."""

    route_key: str | None
    status: int | None


def _path(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.netloc, parts.path


def stage_path(stage_urls: dict[str, str], url: str) -> str | None:
    """The path of ``url`` below the stage URL it falls under (longest first), ``None`` when it
    is under none of them."""
    host, path = _path(url)
    best: str | None = None
    best_len = -1
    for stage_url in stage_urls.values():
        stage_host, prefix = _path(stage_url)
        prefix = prefix.rstrip("/")
        if stage_host != host or len(prefix) <= best_len:
            continue
        if path == prefix or path.startswith(prefix + "/") or (prefix == "" and path.startswith("/")):
            best, best_len = path[len(prefix):] or "/", len(prefix)
    return best


def _preflight_answered_by_gateway(api: Any, event: ClientEvent, path: str) -> bool:
    """A CORS preflight no ``OPTIONS`` route catches: AWS answers it without routing."""
    headers = dict(event.headers)
    if getattr(api, "cors_preflight", None) is None or event.method != "OPTIONS":
        return False
    if "origin" not in headers or "access-control-request-method" not in headers:
        return False
    from pytest_apigw.contract.model.routing import select_route

    return select_route(list(api.routes), "OPTIONS", path).key is None


def attribute(api: Any, stage_urls: dict[str, str], event: ClientEvent) -> Hit | None:
    """The route ``event`` counts for, or ``None`` when it is no route request at all (a
    preflight the gateway answers, a URL outside the deployment's stages)."""
    from pytest_apigw.contract.model.routing import select_route
    from pytest_apigw.contract.model.websocket import select_websocket_route

    if event.kind == "http":
        path = stage_path(stage_urls, event.url)
        if path is None or _preflight_answered_by_gateway(api, event, path):
            return None
        return Hit(select_route(list(api.routes), event.method or "GET", path).key, event.status)
    keys = set(api.routes)
    if event.kind == "connect":  # without a $connect route only a refusal is worth counting
        if "$connect" in keys:
            return Hit("$connect", event.status)
        return None if event.status == 101 else Hit(None, event.status)
    if event.kind == "disconnect":
        return Hit("$disconnect", None) if "$disconnect" in keys else None
    if event.message is None:  # binary: no expression applies
        return Hit("$default" if "$default" in keys else None, None)
    return Hit(select_websocket_route(keys, api.route_selection_expression, event.message), None)
