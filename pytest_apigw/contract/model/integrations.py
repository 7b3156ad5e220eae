"""What each integration type receives, keyed by the integration spec's class.

A new integration type plugs in with ``@predicts(SpecClass)``: a function
``(integration, request, route) -> expected input`` where ``route`` is a :class:`Routed`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from pytest_apigw.contract.model import lambda_event, parameter_mapping
from pytest_apigw.contract.model.encoding import decoded_path, parse_query
from pytest_apigw.contract.model.expect import ABSENT, UNSPECIFIED
from pytest_apigw.strategies.wire import HttpRequest

Predictor = Callable[[Any, HttpRequest, "Routed"], Any]
_PREDICTORS: dict[type, Predictor] = {}


@dataclass(frozen=True)
class Routed:
    """Where the model sent a request: stage, stage-relative path, route and its parameters."""

    stage: str
    stage_path: str
    route_key: str
    path_params: dict[str, str]
    stage_variables: dict[str, str]
    host: str
    api_id: str | None
    #: Predict a Lambda proxy event of this payload version instead of the integration's own
    #: (the other reading a backend's declared gap may stand for).
    payload_version: str | None = None


def predicts(spec_class: type) -> Callable[[Predictor], Predictor]:
    """Register the predictor of what integrations of ``spec_class`` receive."""
    def register(fn: Predictor) -> Predictor:
        _PREDICTORS[spec_class] = fn
        return fn
    return register


def expected_input(integration: Any, request: HttpRequest, routed: Routed) -> Any:
    """The predicted input of ``integration``, or :data:`UNSPECIFIED` for an unknown type."""
    for cls in type(integration).__mro__:
        if cls in _PREDICTORS:
            return _PREDICTORS[cls](integration, request, routed)
    return UNSPECIFIED


def _lambda(integration: Any, request: HttpRequest, r: Routed) -> Any:
    version = r.payload_version or integration.payload_format_version
    build = lambda_event.event_v2 if version == "2.0" else lambda_event.event_v1
    return build(request, route_key=r.route_key, stage=r.stage, path_params=r.path_params,
                 stage_variables=r.stage_variables, host=r.host, api_id=r.api_id)


def _http_proxy(integration: Any, request: HttpRequest, r: Routed) -> Any:
    """``http-api-develop-integrations-http.md``: the request is passed through; ``{name}``
    in the URL takes the path variable; the ``$default`` route "sends the full request path"
    (``http-api-develop-routes.md``) when the URL has no path of its own. The query is passed
    on (``http-api-develop-routes.md``, "Working with query string parameters")."""
    url = integration.url
    for name, value in r.path_params.items():
        url = url.replace(f"{{{name}+}}", value).replace(f"{{{name}}}", value)
    parts = urlsplit(url)
    path: Any = parts.path or "/"
    if r.route_key == "$default" and parts.path in ("", "/"):
        path = decoded_path(request.path)
    method = request.method if integration.method == "ANY" else integration.method
    expected = {
        "method": method,
        "path": path if "{" not in path else UNSPECIFIED,
        "query": parse_query(request.query_string) if not parts.query else UNSPECIFIED,
        "body": request.body.decode("latin-1"),
    }
    mappings = getattr(integration, "parameter_mapping", None)
    query_in = expected["query"]  # parsed, or UNSPECIFIED
    if mappings and isinstance(query_in, list):
        sources = parameter_mapping.Sources(request, r)
        names = {k.partition(".")[2].lower() for k in mappings if ":header." in k}
        headers = {name: sources.header(name) or ABSENT for name in sorted(names)}
        path, headers, query = parameter_mapping.map_request(
            mappings, sources, path=expected["path"], headers=headers, query=query_in)
        expected.update(path=path, headers=headers, query=query)
    return expected


def _register_builtin() -> None:
    from pytest_apigw.spec import HttpProxyIntegration, LambdaProxyIntegration

    predicts(LambdaProxyIntegration)(_lambda)
    predicts(HttpProxyIntegration)(_http_proxy)


_register_builtin()
