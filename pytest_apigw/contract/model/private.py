"""Private integrations (ALB, NLB, Cloud Map through a VPC link): what the upstream receives
and what the client gets back.

Followed: ``http-api-develop-integrations-private.md``:

- a private integration is "an HTTP proxy integration" with a VPC link, so the request is
  passed through as for ``http-api-develop-integrations-http.md`` (method, query, headers,
  body; ``ANY`` keeps the client's method, any other integration method replaces it);
- Note: "For private integrations, API Gateway includes the stage portion of the API endpoint
  in the request to your backend resources. For example, a request to the ``test`` stage of an
  API includes ``test/route-path`` in the request to your private integration." The path the
  backend gets is therefore the whole request path: ``/dev/pets`` on stage ``dev``, ``/pets``
  on ``$default`` (served from the API's base, no segment);
- load balancers send to a target of the listener; for Cloud Map, "API Gateway uses
  ``DiscoverInstances``" with the integration URI's query parameters to "target specific
  resources", and "distributes requests across healthy resources": the request lands on one
  instance whose attributes hold every filter pair;
- the answer is relayed (status, headers but hop-by-hop ones, body).

Undocumented choices, each marked where made: the path compared decoded (as the HTTP proxy
case does); a stage's root (``/dev``) may reach the backend as ``/dev`` or ``/dev/``; repeated
headers may arrive as separate lines or one comma-joined line; ``Host`` is not predicted; the
``x-forwarded-*`` / ``x-amzn-trace-id`` headers are predicted present as on other integrations
(live captures); integrations with parameter mapping are not predicted here (every field
UNSPECIFIED: the mapping rules are a case of their own).
"""

from __future__ import annotations

from typing import Any

from pytest_apigw.contract.model.encoding import HOP_BY_HOP, decoded_path, parse_query
from pytest_apigw.contract.model.expect import PRESENT, UNSPECIFIED, OneOf
from pytest_apigw.contract.model.integrations import Routed, predicts
from pytest_apigw.contract.model.lambda_event import ADDED_HEADERS
from pytest_apigw.strategies.wire import HttpRequest


def _joined(values: list[str]) -> Any:
    """Repeated header values: separate lines (read back comma-joined) or one joined line."""
    if len(values) == 1:
        return values[0]
    return OneOf((",".join(values), ", ".join(values)), "repeated header: lines or one joined line")


def forwarded_headers(request: HttpRequest) -> dict[str, Any]:
    """The client's headers as the backend gets them (lower-case names), plus the gateway's."""
    grouped: dict[str, list[str]] = {}
    for name, value in request.wire_headers():
        grouped.setdefault(name.lower(), []).append(value)
    headers: dict[str, Any] = {}
    for name, values in grouped.items():
        if name == "cookie" and len(values) > 1:  # several Cookie headers: any usual join
            headers[name] = OneOf(tuple(sep.join(values) for sep in (",", ", ", "; ")), "cookies")
        else:
            headers[name] = _joined(values)
    headers["content-length"] = str(len(request.body)) if request.body else UNSPECIFIED
    headers["host"] = UNSPECIFIED
    headers.update(dict.fromkeys(ADDED_HEADERS, PRESENT))
    return headers


def targets_of(integration: Any) -> list[str]:
    """``ip:port`` of every registered target (load balancer) or matching instance (Cloud Map)."""
    service = getattr(integration, "service", None)
    if service is not None:
        filters = integration.attribute_filters
        return [f"{i.ipv4}:{i.port}" for i in service.instances
                if all(i.attributes.get(k) == v for k, v in filters.items())]
    return [f"{ip}:{port}" for ip, port in integration.listener.endpoints()]


def _private(integration: Any, request: HttpRequest, r: Routed) -> Any:
    """What the listener's target or the service's instance receives."""
    if integration.parameter_mapping:
        return UNSPECIFIED
    # the whole request path: the named stage's segment stays in it (the Note quoted above)
    path: Any = decoded_path(request.path)
    if r.stage != "$default" and r.stage_path == "/":
        path = OneOf((path, path + "/"), "a stage's root: undocumented trailing slash")
    method = request.method if integration.method == "ANY" else integration.method
    targets = targets_of(integration)
    return {
        "method": method,
        "path": path,
        "query": parse_query(request.query_string),
        "headers": forwarded_headers(request),
        "body": request.body.decode("latin-1"),
        "target": OneOf(tuple(targets), "one of the registered targets") if targets else UNSPECIFIED,
    }


def relayed_response(status: int, headers: list[tuple[str, str]], *, head: bool) -> dict[str, Any]:
    """What the client gets for an upstream answer (``status``, ``headers`` with lower-case
    names): the same status, the headers but hop-by-hop ones and ``content-length`` (the gateway
    writes its own), no body for ``HEAD`` (``http-api-develop-integrations-http.md``: the
    integration passes the response through)."""
    kept: dict[str, str] = {}
    for name, value in headers:
        if name not in HOP_BY_HOP and name != "content-length":
            kept[name] = f"{kept[name]},{value}" if name in kept else value
    expected: dict[str, Any] = {"status": status, "headers": kept}
    if head:
        expected["body"] = b""
    return expected


def _register() -> None:
    from pytest_apigw.spec import HttpAlbIntegration, HttpNlbIntegration, HttpServiceDiscoveryIntegration

    for cls in (HttpAlbIntegration, HttpNlbIntegration, HttpServiceDiscoveryIntegration):
        predicts(cls)(_private)


_register()
