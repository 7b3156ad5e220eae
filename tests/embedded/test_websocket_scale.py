"""Many connections at once: 200 asyncio clients, a broadcast through @connections from a handler."""

from __future__ import annotations

import asyncio
import json
import threading
import time

import boto3

from pytest_apigw import Function, LambdaWebSocketIntegration, WebSocketApi, WebSocketStage

CLIENTS = 200
ROUNDS = 5


class Room:
    """Connection ids the handlers share."""

    def __init__(self) -> None:
        self.ids: set[str] = set()
        self.lock = threading.Lock()


def build_api(room: Room) -> WebSocketApi:
    def connect(event, context):
        with room.lock:
            room.ids.add(event["requestContext"]["connectionId"])
        return {"statusCode": 200}

    def disconnect(event, context):
        with room.lock:
            room.ids.discard(event["requestContext"]["connectionId"])

    def broadcast(event, context):
        ctx = event["requestContext"]
        client = boto3.client("apigatewaymanagementapi", endpoint_url=f"https://{ctx['domainName']}/{ctx['stage']}")
        with room.lock:
            targets = sorted(room.ids)
        for i in range(json.loads(event["body"])["rounds"]):
            for connection_id in targets:
                client.post_to_connection(ConnectionId=connection_id, Data=json.dumps({"seq": i}).encode())
        return {"statusCode": 200, "body": json.dumps({"sent": len(targets)})}

    api = WebSocketApi(
        "Scale",
        connect_route_options=LambdaWebSocketIntegration(handler=connect),
        disconnect_route_options=LambdaWebSocketIntegration(handler=disconnect),
    )
    WebSocketStage("Stage", web_socket_api=api, stage_name="live")
    # 1000 posts take more than Lambda's default 3 s on a loaded machine: the gateway would then
    # answer the timeout's "Internal server error" before the posts end (as AWS would).
    integration = LambdaWebSocketIntegration(handler=Function("Broadcast", handler=broadcast, timeout=60))
    api.add_route("broadcast", integration=integration, return_response=True)
    return api


def test_200_clients_receive_a_broadcast_in_order(apigw):
    room = Room()
    deployment = apigw.deploy(build_api(room))

    async def scenario() -> None:
        clients = await asyncio.gather(*(deployment.ws_connect_async(timeout=30) for _ in range(CLIENTS)))
        assert len(room.ids) == CLIENTS
        sender = clients[0]
        await sender.send_json({"action": "broadcast", "rounds": ROUNDS})

        async def collect(client, extra: int) -> list:
            return [await client.recv() for _ in range(ROUNDS + extra)]

        received = await asyncio.gather(*(collect(c, 1 if c is sender else 0) for c in clients))
        for messages in received[1:]:
            assert [json.loads(m)["seq"] for m in messages] == list(range(ROUNDS))
        sender_messages = [json.loads(m) for m in received[0]]
        assert sender_messages[-1] == {"sent": CLIENTS}  # the two-way answer comes after the posts
        assert [m["seq"] for m in sender_messages[:-1]] == list(range(ROUNDS))
        await asyncio.gather(*(c.close() for c in clients))

    asyncio.run(scenario())
    # A client's close() returns once the gateway echoed its close frame; the gateway's ASGI task
    # takes the connection out of its registry on its next turn, so wait for it (bounded).
    app = deployment.handle[1]
    deadline = time.monotonic() + 10
    while len(app.connections) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert len(app.connections) == 0
