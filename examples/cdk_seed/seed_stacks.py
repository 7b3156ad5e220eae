"""The seed's six examples written with the real ``aws-cdk-lib`` 2.x, in Python, as a team
ships them: one stack per example in one ``cdk.App``.

The tests load these live stacks with ``load_template(stack, ...)`` (synthesized once per
session) and exercise them over real sockets.
"""

from __future__ import annotations

from pathlib import Path

import aws_cdk as cdk
from aws_cdk import aws_apigatewayv2 as apigwv2
from aws_cdk import aws_apigatewayv2_integrations as integrations
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from aws_cdk import aws_elasticloadbalancingv2_targets as targets
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_servicediscovery as servicediscovery

BOOKS_CODE = Path(__file__).parent / "lambda_books"

#: Inline code (``ZipFile``): also ``index.handler``, so it must not shadow the asset's ``index``.
MESSAGE_CODE = """
import json

def handler(event, context):
    ctx = event["requestContext"]
    if ctx["eventType"] != "MESSAGE":
        return {"statusCode": 200}
    body = json.loads(event["body"])
    return {"statusCode": 200, "body": json.dumps({"echo": body.get("text"), "route": ctx["routeKey"]})}
"""


def lambda_stack(app: cdk.App) -> cdk.Stack:
    """The seed's Lambda example: ``GET /books`` → the Books function (an asset directory)."""
    stack = cdk.Stack(app, "LambdaStack")
    books_fn = lambda_.Function(
        stack, "BooksDefaultFn", runtime=lambda_.Runtime.PYTHON_3_12, handler="index.handler",
        code=lambda_.Code.from_asset(str(BOOKS_CODE)), environment={"SHELF": "fiction"},
    )
    books_integration = integrations.HttpLambdaIntegration("BooksIntegration", books_fn)
    http_api = apigwv2.HttpApi(stack, "HttpApi")
    http_api.add_routes(path="/books", methods=[apigwv2.HttpMethod.GET], integration=books_integration)
    return stack


def http_proxy_stack(app: cdk.App) -> cdk.Stack:
    """The seed's HTTP proxy example: ``GET /books`` → ``https://get-books-proxy.myproxy.internal``."""
    stack = cdk.Stack(app, "HttpProxyStack")
    books_integration = integrations.HttpUrlIntegration(
        "BooksIntegration", "https://get-books-proxy.myproxy.internal"
    )
    http_api = apigwv2.HttpApi(stack, "HttpApi")
    http_api.add_routes(path="/books", methods=[apigwv2.HttpMethod.GET], integration=books_integration)
    return stack


def alb_stack(app: cdk.App) -> cdk.Stack:
    """The seed's ALB example: the listener's targets are where the test serves."""
    stack = cdk.Stack(app, "AlbStack")
    vpc = ec2.Vpc(stack, "VPC")
    lb = elbv2.ApplicationLoadBalancer(stack, "lb", vpc=vpc)
    listener = lb.add_listener("listener", port=80)
    listener.add_targets("target", port=80, targets=[targets.IpTarget("10.0.0.10", 80)])
    apigwv2.HttpApi(stack, "HttpProxyPrivateApi",
                    default_integration=integrations.HttpAlbIntegration("DefaultIntegration", listener))
    return stack


def nlb_stack(app: cdk.App) -> cdk.Stack:
    """The seed's NLB example."""
    stack = cdk.Stack(app, "NlbStack")
    vpc = ec2.Vpc(stack, "VPC")
    lb = elbv2.NetworkLoadBalancer(stack, "lb", vpc=vpc)
    listener = lb.add_listener("listener", port=80)
    listener.add_targets("target", port=80, targets=[targets.IpTarget("10.0.0.20", 80)])
    apigwv2.HttpApi(stack, "HttpProxyPrivateApi",
                    default_integration=integrations.HttpNlbIntegration("DefaultIntegration", listener))
    return stack


def cloud_map_stack(app: cdk.App) -> cdk.Stack:
    """The seed's Cloud Map example: a VPC link and a service in a private DNS namespace."""
    stack = cdk.Stack(app, "CloudMapStack")
    vpc = ec2.Vpc(stack, "VPC")
    vpc_link = apigwv2.VpcLink(stack, "VpcLink", vpc=vpc)
    namespace = servicediscovery.PrivateDnsNamespace(stack, "Namespace", name="boobar.com", vpc=vpc)
    service = namespace.create_service("Service")
    service.register_ip_instance("Instance", ipv4="10.0.0.30", port=80)
    apigwv2.HttpApi(stack, "HttpProxyPrivateApi",
                    default_integration=integrations.HttpServiceDiscoveryIntegration(
                        "DefaultIntegration", service, vpc_link=vpc_link))
    return stack


def websocket_stack(app: cdk.App) -> cdk.Stack:
    """The seed's WebSocket example: a ``sendmessage`` route on stage ``dev`` (inline code)."""
    stack = cdk.Stack(app, "WebSocketStack")
    web_socket_api = apigwv2.WebSocketApi(stack, "mywsapi")
    apigwv2.WebSocketStage(stack, "mystage", web_socket_api=web_socket_api, stage_name="dev",
                           auto_deploy=True)
    message_handler = lambda_.Function(
        stack, "MessageHandler", runtime=lambda_.Runtime.PYTHON_3_12, handler="index.handler",
        code=lambda_.Code.from_inline(MESSAGE_CODE),
    )
    web_socket_api.add_route("sendmessage", integration=integrations.WebSocketLambdaIntegration(
        "SendMessageIntegration", message_handler), return_response=True)
    return stack


def seed_app() -> dict[str, cdk.Stack]:
    """One ``cdk.App`` holding the six stacks, by example name."""
    app = cdk.App()
    return {
        "lambda": lambda_stack(app),
        "http_proxy": http_proxy_stack(app),
        "alb": alb_stack(app),
        "nlb": nlb_stack(app),
        "cloud_map": cloud_map_stack(app),
        "websocket": websocket_stack(app),
    }
