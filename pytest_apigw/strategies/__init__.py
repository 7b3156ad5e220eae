"""Hypothesis strategies for API Gateway v2: route tables, API specs, requests, WebSocket
messages. Every name here is a function returning a strategy, keyword arguments only.

Fuzz your own API for 5xx answers::

    from hypothesis import given
    from pytest_apigw.strategies import api_root, requests_for

    @given(request=requests_for(api))
    def test_no_server_errors(apigw_session, request):
        with apigw_session.deployed(api) as deployment:
            assert request.send(api_root(deployment)).status < 500

The names are imported on first use (PEP 562): importing one submodule (``.wire``, say, which
the reference model uses) does not import Hypothesis and every other strategy module.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pytest_apigw.strategies.apis import http_apis, stage_layouts, stage_variables
    from pytest_apigw.strategies.cors import cors_configurations, cors_requests
    from pytest_apigw.strategies.mapping import mapped_requests, request_mappings, response_mappings
    from pytest_apigw.strategies.requests import (
        bodies,
        cookie_headers,
        header_lists,
        http_methods,
        http_requests,
        path_segments,
        query_params,
        request_paths,
        requests_for,
    )
    from pytest_apigw.strategies.routes import literal_segments, route_keys, route_paths, route_tables
    from pytest_apigw.strategies.websocket import websocket_messages, websocket_sessions
    from pytest_apigw.strategies.wire import HttpRequest, HttpResponse, api_root

#: Each public name → the submodule defining it.
_WHERE = {
    **dict.fromkeys(("http_apis", "stage_layouts", "stage_variables"), "apis"),
    **dict.fromkeys(("cors_configurations", "cors_requests"), "cors"),
    **dict.fromkeys(("mapped_requests", "request_mappings", "response_mappings"), "mapping"),
    **dict.fromkeys(("bodies", "cookie_headers", "header_lists", "http_methods", "http_requests",
                     "path_segments", "query_params", "request_paths", "requests_for"), "requests"),
    **dict.fromkeys(("literal_segments", "route_keys", "route_paths", "route_tables"), "routes"),
    **dict.fromkeys(("websocket_messages", "websocket_sessions"), "websocket"),
    **dict.fromkeys(("HttpRequest", "HttpResponse", "api_root"), "wire"),
}

__all__ = [
    "HttpRequest", "HttpResponse", "api_root", "bodies", "cookie_headers", "cors_configurations",
    "cors_requests", "header_lists", "http_apis", "http_methods", "http_requests", "literal_segments",
    "mapped_requests", "path_segments", "query_params", "request_mappings", "request_paths",
    "requests_for", "response_mappings", "route_keys", "route_paths", "route_tables",
    "stage_layouts", "stage_variables", "websocket_messages", "websocket_sessions",
]


def __getattr__(name: str) -> Any:
    """Import the submodule defining ``name`` on first use and keep the name here."""
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
