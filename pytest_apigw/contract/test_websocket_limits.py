"""Conformance: WebSocket size limits (:mod:`.model.websocket_limits`: a frame over 32 KB or a
message over 128 KB closes the connection with 1009 and reaches no route; within both, the
``$default`` route sees the whole message).

Generated messages (frame sizes around 32 KB, messages around 128 KB in several frames) are sent
with a real WebSocket client (``websockets``, one frame per fragment) to a ``ws_size`` probe that
answers the size it saw. Per message the case compares three fields: ``close`` (the close code
the gateway sent, ``None`` while open), ``routed`` and ``size``. A closed connection is opened
again for the next message.
"""

from __future__ import annotations

import contextlib
import json
from typing import TYPE_CHECKING, Any

from hypothesis import example, given, note
from hypothesis import strategies as st

from pytest_apigw import capabilities
from pytest_apigw.contract.authorized import require_or_judge
from pytest_apigw.contract.explicit import scripted
from pytest_apigw.contract.model.expect import compare
from pytest_apigw.contract.model.websocket_limits import (
    MAX_FRAME,
    MAX_MESSAGE,
    LimitOutcome,
    SizedMessage,
    sized_messages,
    websocket_limit_outcome,
)
from pytest_apigw.contract.probes import ws_size_function
from pytest_apigw.contract.profiles import contract_settings, per_deployment
from pytest_apigw.spec import LambdaWebSocketIntegration, WebSocketApi, WebSocketStage

if TYPE_CHECKING:
    from collections.abc import Callable

    from websockets.sync.client import ClientConnection

    from pytest_apigw.contract.gaps import Gaps
    from pytest_apigw.session import Apigw

WS_SIZE = ws_size_function()
#: How long the client waits for the route's answer or the gateway's close.
WAIT = 10.0


def send_sized(ws: ClientConnection, message: SizedMessage) -> LimitOutcome:
    """Send ``message`` (one frame per fragment) and observe the answer or the close."""
    from websockets.exceptions import ConnectionClosed

    with contextlib.suppress(ConnectionClosed, OSError):  # the gateway may close mid-message
        if len(message.fragments) == 1:
            ws.send("m" * message.fragments[0])
        else:
            ws.send(iter(["m" * size for size in message.fragments]))
    try:
        answer: dict[str, Any] = json.loads(ws.recv(timeout=WAIT))
    except ConnectionClosed as closed:
        code = closed.rcvd.code if closed.rcvd is not None else None
        return LimitOutcome(code, False, None)
    return LimitOutcome(None, answer.get("routeKey") == "$default", answer.get("size"))


def _frames(total: int, count: int) -> SizedMessage:
    share, rest = divmod(total, count)
    return SizedMessage(tuple(share + (1 if i < rest else 0) for i in range(count)))


#: The edge cases every run meets first (the quotas page: 32 KB frames, 128 KB messages), each
#: limit exactly and one byte past it.
DOCUMENTED = scripted({
    "message": [SizedMessage((MAX_FRAME + 1,)), _frames(MAX_MESSAGE + 1, 5), _frames(MAX_MESSAGE, 5),
                SizedMessage((MAX_FRAME,))],
})


@contract_settings()
@given(data=st.data())
@example(data=DOCUMENTED)
def test_websocket_size_limits(
    apigw_session: Apigw, require: Callable[[str], None], gaps: Gaps, data: st.DataObject
) -> None:
    require(capabilities.WEBSOCKET)
    require_or_judge(require, gaps, capabilities.WEBSOCKET_LIMITS)
    from websockets.sync.client import connect

    api = WebSocketApi("WsLimits", route_selection_expression="$request.body.action")
    api.add_route("$default", integration=LambdaWebSocketIntegration(handler=WS_SIZE), return_response=True)
    WebSocketStage("Dev", web_socket_api=api, stage_name="dev", auto_deploy=True)
    with apigw_session.deployed(api) as deployment, contextlib.ExitStack() as stack:
        ws = None
        for index in range(per_deployment()):
            message = data.draw(sized_messages(), label=f"message {index}")
            if ws is None:
                ws = stack.enter_context(connect(str(deployment.ws_url), open_timeout=WAIT, max_size=None))
            expected, why = websocket_limit_outcome(message)
            observed = send_sized(ws, message)
            if observed.close is not None or expected.close is not None:
                stack.close()  # a fresh connection for the next message
                ws = None
            note(f"{message}: model {expected} ({why}), observed {observed}")
            diffs = compare(vars(expected), vars(observed))
            diffs = gaps.unexplained(diffs, request=message, prediction=expected)
            assert not diffs, (f"WebSocket limits: {message} ({why})\n"
                               + "\n".join(f"  {diff}" for diff in diffs))
