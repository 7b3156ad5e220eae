"""Conformance: WebSocket route selection over message sequences (``ws_echo`` probe)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from hypothesis import given, note
from hypothesis import strategies as st

from pytest_apigw import capabilities
from pytest_apigw.contract.model import select_websocket_route
from pytest_apigw.contract.probes import ws_echo_function
from pytest_apigw.contract.profiles import contract_settings
from pytest_apigw.spec import LambdaWebSocketIntegration, WebSocketApi, WebSocketStage
from pytest_apigw.strategies import websocket_sessions

if TYPE_CHECKING:
    from collections.abc import Callable

    from pytest_apigw.session import Apigw

WS_ECHO = ws_echo_function()
EXPRESSIONS = ["$request.body.action", "$request.body.meta.kind"]


@contract_settings()
@given(
    keys=st.lists(st.sampled_from(["send", "join", "0", "ping"]), min_size=1, max_size=3, unique=True),
    expression=st.sampled_from(EXPRESSIONS),
    data=st.data(),
)
def test_messages_reach_the_predicted_route(
    apigw_session: Apigw, require: Callable[[str], None], keys: list[str], expression: str,
    data: st.DataObject
) -> None:
    require(capabilities.WEBSOCKET)
    from websockets.sync.client import connect

    api = WebSocketApi("WsContract", route_selection_expression=expression)
    integration = LambdaWebSocketIntegration(handler=WS_ECHO)
    for key in [*keys, "$default"]:
        api.add_route(key, integration=integration, return_response=True)
    WebSocketStage("Dev", web_socket_api=api, stage_name="dev", auto_deploy=True)
    messages = data.draw(websocket_sessions(route_keys=keys, route_selection_expression=expression))
    with apigw_session.deployed(api) as deployment, connect(str(deployment.ws_url), open_timeout=10) as ws:
        for message in messages:
            expected = select_websocket_route(api.routes, expression, message)
            ws.send(message)
            answer = json.loads(ws.recv(timeout=10))
            note(f"{message!r}: model {expected!r}, observed {answer.get('routeKey')!r}")
            assert answer.get("routeKey") == expected, (
                f"routes {sorted(api.routes)}, expression {expression!r}\nmessage {message!r}\n"
                f"model: {expected!r}\nobserved: {answer!r}"
            )
