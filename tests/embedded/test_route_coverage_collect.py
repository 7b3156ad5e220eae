"""The route-coverage collector against live embedded deployments (no pytester): what counts."""

from __future__ import annotations

import httpx
import pytest
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

from pytest_apigw import (
    CorsPreflightOptions,
    Function,
    HttpApi,
    HttpMethod,
    LambdaProxyIntegration,
    LambdaWebSocketIntegration,
    WebSocketApi,
    WebSocketStage,
)
from pytest_apigw.coverage.collect import Collector


def ok(event, context):
    return {"statusCode": 200, "body": "ok"}


@pytest.fixture
def collector():
    made = Collector()
    made.start()
    yield made
    made.stop()


def test_preflights_and_other_stages_are_not_route_hits(apigw, collector):
    api = HttpApi("Cors", cors_preflight=CorsPreflightOptions(allow_origins=["*"], allow_methods=["GET"]))
    api.add_routes(path="/books", methods=[HttpMethod.GET],
                   integration=LambdaProxyIntegration(handler=Function("Ok", handler=ok)))
    deployment = apigw.deploy(api)
    collector.deployed(deployment)
    preflight = httpx.options(f"{deployment.url}/books", headers={
        "origin": "https://example.com", "access-control-request-method": "GET"})
    assert preflight.status_code == 204
    assert httpx.get(f"{deployment.url}/books").status_code == 200
    books = collector.snapshot()["apis"]["Cors"]
    assert books["routes"]["GET /books"]["requests"] == 1
    assert books["unmatched"]["requests"] == 0  # the preflight was the gateway's own answer


def test_a_websocket_handshake_on_no_stage_counts_as_unmatched_not_connect(apigw, collector):
    handler = LambdaWebSocketIntegration(handler=ok)
    api = WebSocketApi("Ws", connect_route_options=handler)
    WebSocketStage("Dev", web_socket_api=api, stage_name="dev", auto_deploy=True)
    deployment = apigw.deploy(api)
    collector.deployed(deployment)
    with pytest.raises(InvalidStatus):
        connect(deployment.ws_url.rsplit("/", 1)[0] + "/nope", open_timeout=5).close()
    with deployment.ws_connect():
        pass
    ws = collector.snapshot()["apis"]["Ws"]
    assert ws["routes"]["$connect"]["requests"] == 1
    assert ws["unmatched"] == {"requests": 1, "statuses": {"4xx": 1}}


def test_requests_of_deployments_it_was_not_told_about_are_ignored(apigw, collector):
    api = HttpApi("Unseen")
    api.add_routes(path="/x", methods=[HttpMethod.GET],
                   integration=LambdaProxyIntegration(handler=Function("Ok", handler=ok)))
    deployment = apigw.deploy(api)
    httpx.get(f"{deployment.url}/x")
    assert collector.snapshot()["apis"] == {}
