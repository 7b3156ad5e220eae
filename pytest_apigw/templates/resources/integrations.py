"""``AWS::ApiGatewayV2::Integration`` (and ``VpcLink``) → integration specs.

``AWS_PROXY`` → Lambda proxy (HTTP API) or Lambda WebSocket integration; ``HTTP_PROXY`` over
the internet → HTTP proxy (its URL rewritten by ``upstreams=``); ``HTTP_PROXY`` over a VPC link →
the ALB, NLB or Cloud Map integration of the listener or service the URI names.
"""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, Any

from pytest_apigw.errors import NotServedWarning, SpecError
from pytest_apigw.spec import (
    HttpAlbIntegration,
    HttpNlbIntegration,
    HttpProxyIntegration,
    HttpServiceDiscoveryIntegration,
    LambdaProxyIntegration,
    LambdaWebSocketIntegration,
    NetworkListener,
    TlsConfig,
    VpcLink,
)
from pytest_apigw.templates.intrinsics import scalar_text
from pytest_apigw.templates.resources import elbv2, functions, servicediscovery

if TYPE_CHECKING:
    from pytest_apigw.templates.build import Build

INTEGRATION = "AWS::ApiGatewayV2::Integration"
VPC_LINK = "AWS::ApiGatewayV2::VpcLink"


def vpc_link(build: Build, logical_id: str) -> VpcLink:
    """The VPC link spec of an ``AWS::ApiGatewayV2::VpcLink`` resource."""
    return build.once("vpc_link", logical_id, lambda: VpcLink(
        logical_id, vpc=build.vpc, vpc_link_name=str(build.props(logical_id).get("Name") or logical_id)))


def settings(props: dict[str, Any]) -> dict[str, Any]:
    """The template spelling of an integration, as keywords of :func:`make`."""
    return {
        "type": str(props.get("IntegrationType", "")).upper(),
        "uri": props.get("IntegrationUri"),
        "method": props.get("IntegrationMethod"),
        "payload": props.get("PayloadFormatVersion"),
        "connection_type": props.get("ConnectionType", "INTERNET"),
        "connection_id": props.get("ConnectionId"),
        "timeout_ms": props.get("TimeoutInMillis"),
        "request_parameters": props.get("RequestParameters"),
        "response_parameters": props.get("ResponseParameters"),
        "server_name": (props.get("TlsConfig") or {}).get("ServerNameToVerify"),
        "subtype": props.get("IntegrationSubtype"),
    }


class NotServed(SpecError):
    """An integration AWS deploys but no backend here serves: its route is left out, with a
    :class:`~pytest_apigw.errors.NotServedWarning` (:func:`leave_out`)."""


def leave_out(exc: NotServed, route_key: str) -> None:
    """Warn that the route ``route_key`` is left out of its API because of ``exc``."""
    warnings.warn(f"{exc}: route {route_key!r} is left out of the API (requests to it get 404); "
                  "the rest of the API is served", NotServedWarning, stacklevel=4)


def make(build: Build, logical_id: str, *, websocket: bool, type: str, uri: Any,  # noqa: A002
         method: Any = None, payload: Any = None, connection_type: Any = "INTERNET",
         connection_id: Any = None, timeout_ms: Any = None, request_parameters: Any = None,
         response_parameters: Any = None, server_name: Any = None, subtype: Any = None,
         prop: str = "IntegrationUri") -> Any:
    """Build the integration spec (``logical_id`` names the resource in errors)."""
    timeout = float(timeout_ms) / 1000 if timeout_ms is not None else None
    if subtype:
        raise NotServed(build.label(logical_id), f"an AWS service integration ({subtype}) is not served "
                        "locally (served: AWS_PROXY to a Lambda function, HTTP_PROXY)")
    if websocket and type in ("AWS", "MOCK", "HTTP"):  # valid on AWS, not served here
        raise NotServed(build.label(logical_id), f"{type} integrations are not served locally "
                        "(served: AWS_PROXY to a Lambda function, HTTP_PROXY on HTTP APIs)")
    try:
        if type == "AWS_PROXY":
            fn = functions.function_for_uri(build, logical_id, prop, uri)
            if websocket:
                return LambdaWebSocketIntegration(handler=fn, timeout=timeout)
            return LambdaProxyIntegration(handler=fn, payload_format_version=str(payload or "2.0"),
                                          timeout=timeout)
        if type != "HTTP_PROXY" or websocket:
            raise build.error(
                logical_id, "IntegrationType", f"{type!r} integrations are not served locally "
                "(served: AWS_PROXY to a Lambda function, HTTP_PROXY on HTTP APIs)"
            )
        common: dict[str, Any] = {
            "method": str(method or "ANY"),
            "parameter_mapping": {str(k): scalar_text(v) for k, v in request_parameters.items()}
            if request_parameters else None,
            "response_parameter_mapping": _response_mappings(response_parameters),
            "timeout": timeout,
        }
        if str(connection_type).upper() != "VPC_LINK":
            url = build.upstreams.url_for(str(uri))
            tls = TlsConfig(server_name_to_verify=str(server_name)) if server_name else None
            return HttpProxyIntegration(url=url, tls_config=tls, **common)
        return _private(build, logical_id, uri, connection_id, server_name, common)
    except SpecError as exc:
        if exc.construct.startswith("AWS::"):
            raise
        raise SpecError(build.label(logical_id), exc.reason) from None


def _private(build: Build, logical_id: str, uri: Any, connection_id: Any, server_name: Any,
             common: dict[str, Any]) -> Any:
    link_id = build.owner(connection_id, VPC_LINK)
    link = vpc_link(build, link_id) if link_id else VpcLink(f"{logical_id}VpcLink", vpc=build.vpc)
    common = {**common, "secure_server_name": str(server_name) if server_name else None}
    listener_id = build.owner(uri, elbv2.LISTENER)
    if listener_id is not None:
        spec = elbv2.listener(build, listener_id)
        cls = HttpNlbIntegration if isinstance(spec, NetworkListener) else HttpAlbIntegration
        return cls(listener=spec, vpc_link=link, **common)
    service_id = build.owner(uri, servicediscovery.SERVICE)
    if service_id is not None:
        service = servicediscovery.service(build, service_id)
        return HttpServiceDiscoveryIntegration(vpc_link=link, service=service, **common)
    raise build.error(
        logical_id, "IntegrationUri", f"{uri!r} is not a load balancer listener or Cloud Map service of this "
        "template (an imported one cannot be reached locally)"
    )


def _response_mappings(value: Any) -> dict[str, dict[str, str]] | None:
    """CloudFormation's ``{status: {ResponseParameters: [{Destination, Source}]}}`` or OpenAPI's
    ``{status: {destination: source}}`` → ``{status: {destination: source}}``."""
    if not value:
        return None
    out: dict[str, dict[str, str]] = {}
    for status, mapping in value.items():
        entries = mapping.get("ResponseParameters") if isinstance(mapping, dict) else None
        if isinstance(entries, list):
            out[status] = {str(e["Destination"]): scalar_text(e["Source"]) for e in entries}
        else:
            out[status] = {str(k): scalar_text(v) for k, v in (mapping or {}).items()}
    return out
