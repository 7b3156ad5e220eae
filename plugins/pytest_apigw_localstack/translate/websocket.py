"""WebSocket APIs: the API, Lambda integrations, routes (two-way ones with a route response), stages."""

from __future__ import annotations

from typing import Any

from pytest_apigw.errors import SpecError
from pytest_apigw_localstack.translate import functions
from pytest_apigw_localstack.translate.context import Context


def create_api(ctx: Context, api: Any) -> dict[str, Any]:
    """CreateApi (WEBSOCKET) with the spec's route selection expression."""
    kwargs: dict[str, Any] = {
        "Name": ctx.names.name(api.api_name, 128), "ProtocolType": "WEBSOCKET",
        "RouteSelectionExpression": api.route_selection_expression, "Tags": ctx.names.tags(api.label),
    }
    if api.description:
        kwargs["Description"] = api.description
    created = ctx.clients.apigatewayv2.create_api(**kwargs)
    ctx.ledger.add("api", created["ApiId"])
    return created


def integration_id(ctx: Context, api_id: str, integration: Any) -> str:
    """One AWS_PROXY integration per integration object (the Lambda invocation URI, as CDK writes it)."""

    def create() -> str:
        arn = functions.function_arn(ctx, integration.handler)
        created = ctx.clients.apigatewayv2.create_integration(
            ApiId=api_id, IntegrationType="AWS_PROXY", IntegrationMethod="POST",
            IntegrationUri=functions.invocation_uri(ctx, arn),
            TimeoutInMillis=int(round(integration.timeout * 1000)),
        )
        return created["IntegrationId"]

    return ctx.once(f"integration:{api_id}", integration, create)


def add_route(ctx: Context, api_id: str, route: Any) -> str:
    """CreateRoute (and a ``$default`` route response for a two-way route) plus the invoke permission."""
    if route.authorizer is not None:
        raise SpecError(f"route {route.key!r}", "authorizers are not provisioned by the AWS-API backends yet")
    target = integration_id(ctx, api_id, route.integration)
    kwargs: dict[str, Any] = {"ApiId": api_id, "RouteKey": route.key, "Target": f"integrations/{target}"}
    if route.return_response:
        kwargs["RouteResponseSelectionExpression"] = "$default"
    route_id = ctx.clients.apigatewayv2.create_route(**kwargs)["RouteId"]
    if route.return_response:
        ctx.clients.apigatewayv2.create_route_response(
            ApiId=api_id, RouteId=route_id, RouteResponseKey="$default"
        )
    if getattr(route.integration, "missing_permission", None):
        return route_id  # the template granted none: deployed as written
    functions.allow_api_gateway(ctx, functions.function_arn(ctx, route.integration.handler), api_id,
                                f"*/{route.key}")
    return route_id
