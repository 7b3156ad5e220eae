"""A chat room on a WebSocket API: join, say something to everyone, leave.

The handlers are plain Lambda handlers written as for AWS: they keep connection ids in a store
they share (an in-memory stand-in for the DynamoDB table a real deployment would use) and push
messages with boto3's ``apigatewaymanagementapi`` client built from the event, as AWS's own
examples do. Nothing here knows about pytest-apigw beyond building the spec.

Messages (``$request.body.action``)::

    {"action": "join", "name": "ana"}     → everyone: {"event": "joined", "name": "ana", "members": [...]}
    {"action": "say", "text": "hi"}       → everyone: {"event": "message", "from": "ana", "text": "hi"}
    {"action": "leave"}                   → the others: {"event": "left", "name": "ana"}; ana is disconnected
    anything else                         → the sender: {"event": "error", "reason": "..."}
"""

from __future__ import annotations

import json
import threading
from typing import Any

import boto3

from pytest_apigw import Function, LambdaWebSocketIntegration, WebSocketApi, WebSocketStage


class Members:
    """connection id → member name, shared by the handlers (a DynamoDB table on AWS)."""

    def __init__(self) -> None:
        self._names: dict[str, str | None] = {}
        self._lock = threading.Lock()

    def add(self, connection_id: str) -> None:
        with self._lock:
            self._names[connection_id] = None

    def name(self, connection_id: str, name: str | None = None) -> str | None:
        with self._lock:
            if name is not None and connection_id in self._names:
                self._names[connection_id] = name
            return self._names.get(connection_id)

    def remove(self, connection_id: str) -> str | None:
        with self._lock:
            return self._names.pop(connection_id, None)

    def joined(self) -> dict[str, str]:
        with self._lock:
            return {cid: name for cid, name in self._names.items() if name is not None}


def _management(event: dict[str, Any]) -> Any:
    ctx = event["requestContext"]
    return boto3.client("apigatewaymanagementapi", endpoint_url=f"https://{ctx['domainName']}/{ctx['stage']}")


def _broadcast(event: dict[str, Any], members: Members, message: dict[str, Any]) -> None:
    client = _management(event)
    data = json.dumps(message).encode()
    for connection_id in members.joined():
        try:
            client.post_to_connection(ConnectionId=connection_id, Data=data)
        except client.exceptions.GoneException:
            members.remove(connection_id)  # went away without a $disconnect yet


def chat_api(members: Members) -> WebSocketApi:
    """The chat room's API; ``members`` is the store its handlers share."""

    def connect(event: dict[str, Any], context: Any) -> dict[str, Any]:
        members.add(event["requestContext"]["connectionId"])
        return {"statusCode": 200}

    def disconnect(event: dict[str, Any], context: Any) -> None:
        connection_id = event["requestContext"]["connectionId"]
        name = members.remove(connection_id)
        if name is not None:
            _broadcast(event, members, {"event": "left", "name": name})

    def join(event: dict[str, Any], context: Any) -> dict[str, Any]:
        connection_id = event["requestContext"]["connectionId"]
        name = str(json.loads(event["body"]).get("name") or "").strip()
        if not name:
            return {"statusCode": 400, "body": json.dumps({"event": "error", "reason": "join needs a name"})}
        members.name(connection_id, name)
        _broadcast(event, members, {"event": "joined", "name": name,
                                    "members": sorted(members.joined().values())})
        return {"statusCode": 200}

    def say(event: dict[str, Any], context: Any) -> dict[str, Any]:
        connection_id = event["requestContext"]["connectionId"]
        name = members.name(connection_id)
        if name is None:
            return {"statusCode": 403, "body": json.dumps({"event": "error", "reason": "join first"})}
        text = json.loads(event["body"]).get("text", "")
        _broadcast(event, members, {"event": "message", "from": name, "text": text})
        return {"statusCode": 200}

    def leave(event: dict[str, Any], context: Any) -> dict[str, Any]:
        connection_id = event["requestContext"]["connectionId"]
        name = members.remove(connection_id)
        if name is not None:
            _broadcast(event, members, {"event": "left", "name": name})
        _management(event).delete_connection(ConnectionId=connection_id)
        return {"statusCode": 200}

    def unknown(event: dict[str, Any], context: Any) -> dict[str, Any]:
        return {"statusCode": 400, "body": json.dumps({"event": "error", "reason": "unknown action"})}

    def route(name: str, handler: Any) -> LambdaWebSocketIntegration:
        return LambdaWebSocketIntegration(handler=Function(name, handler=handler))

    api = WebSocketApi(
        "ChatApi",
        connect_route_options={"integration": route("Connect", connect)},
        disconnect_route_options={"integration": route("Disconnect", disconnect)},
        # Two-way: the function's error answers go back to the sender.
        default_route_options={"integration": route("Unknown", unknown), "return_response": True},
    )
    WebSocketStage("Prod", web_socket_api=api, stage_name="prod", auto_deploy=True)
    api.add_route("join", integration=route("Join", join), return_response=True)
    api.add_route("say", integration=route("Say", say), return_response=True)
    api.add_route("leave", integration=route("Leave", leave))
    return api
