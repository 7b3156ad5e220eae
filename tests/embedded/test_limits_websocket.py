"""WebSocket limits and teardown over real connections (issue 11): 32 KB frames, a client that
never reads, and a teardown with messages in flight. Each fault is followed by a normal
connection on the same deployment."""

from __future__ import annotations

import base64
import contextlib
import logging
import os
import socket
import threading
from urllib.parse import urlsplit

import httpx
import pytest
from pytest_apigw_embedded.websocket import app as websocket_app
from pytest_apigw_embedded.websocket import connections
from websockets.exceptions import ConnectionClosed

from tests.embedded.test_websocket import make_api
from tests.support.events import EventRecorder


@pytest.fixture
def rec():
    return EventRecorder()


def _serves_normally(deployment) -> None:
    with deployment.ws_connect() as ws:
        ws.send("ping")
        assert ws.recv() == "default:ping"


def test_a_frame_over_32_kb_closes_with_1009(apigw, rec):
    deployment = apigw.deploy(make_api(rec))
    with deployment.ws_connect() as ws:
        ws.connection.send("a" * (32 * 1024))  # one frame of exactly 32 KB: fine
        assert ws.recv() == "default:" + "a" * (32 * 1024)
        ws.send("b" * (100 * 1024))  # 100 KB in 32 KB frames: fine
        assert ws.recv() == "default:" + "b" * (100 * 1024)
        ws.connection.send("c" * (32 * 1024 + 1))  # one frame over 32 KB
        with pytest.raises(ConnectionClosed):
            ws.recv()
        assert ws.close_code == 1009
    assert rec.route("$disconnect", last=True)["requestContext"]["disconnectStatusCode"] == 1009
    _serves_normally(deployment)


def test_the_1009_close_reaches_a_client_still_sending_the_rest_of_its_message(apigw, rec):
    """A too-big frame followed by more frames: the gateway finishes the closing handshake
    (reads on until the client's close) instead of closing a socket with unread data, whose
    reset used to destroy the close frame in flight (about 4 in 10 attempts saw no 1009)."""
    deployment = apigw.deploy(make_api(rec))
    codes = []
    for _ in range(40):
        with deployment.ws_connect() as ws:
            with contextlib.suppress(ConnectionClosed, OSError):
                ws.connection.send(iter(["m" * size for size in (32 * 1024 + 1, 32 * 1024 + 1, 32 * 1024)]))
            with pytest.raises(ConnectionClosed):
                ws.recv()
            codes.append(ws.close_code)
    assert codes == [1009] * 40
    _serves_normally(deployment)


def _silent_client(ws_url: str) -> socket.socket:
    """A WebSocket client that completes the handshake and then never reads."""
    parts = urlsplit(ws_url)
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.settimeout(10)
    sock.connect((parts.hostname, parts.port))
    key = base64.b64encode(os.urandom(16)).decode()
    sock.sendall((f"GET {parts.path} HTTP/1.1\r\nHost: {parts.netloc}\r\nUpgrade: websocket\r\n"
                  f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
                  ).encode())
    head = b""
    while b"\r\n\r\n" not in head and len(head) < 4096:  # read the 101 and nothing more, ever
        head += sock.recv(1)
    assert head.startswith(b"HTTP/1.1 101")
    return sock


def test_posting_to_a_client_that_never_reads_times_out(apigw, rec, monkeypatch):
    monkeypatch.setattr(connections, "SEND_TIMEOUT", 0.5)
    deployment = apigw.deploy(make_api(rec))
    sock = _silent_client(deployment.ws_url)
    try:
        connection_id = rec.route("$connect")["requestContext"]["connectionId"]
        url = f"{deployment.url}/@connections/{connection_id}"
        statuses = []
        with httpx.Client(timeout=10) as client:
            for _ in range(400):  # the kernel's buffers fill after a few MB at most
                statuses.append(client.post(url, content=b"x" * (128 * 1024)).status_code)
                if statuses[-1] != 200:
                    break
            assert statuses[-1] == 410 and set(statuses[:-1]) <= {200}
            assert client.post(url, content=b"more").status_code == 410  # dropped: gone at once
    finally:
        sock.close()
    assert rec.route("$disconnect")["requestContext"]["connectionId"] == connection_id
    _serves_normally(deployment)


def test_teardown_with_a_message_in_flight_runs_disconnect_quietly(apigw, rec, monkeypatch, caplog):
    monkeypatch.setattr(websocket_app, "MESSAGE_GRACE", 0.2)
    release = threading.Event()
    started = threading.Event()

    def slow(event, context):
        started.set()
        release.wait(10)
        return {"statusCode": 200, "body": "late"}

    api = make_api(rec, slow=(slow, True))
    caplog.set_level(logging.DEBUG)
    try:
        with apigw.deployed(api) as deployment, deployment.ws_connect() as ws:
            ws.send_json({"action": "slow"})
            assert started.wait(10)
            # The deployment goes away while the message's handler is still running.
    except ConnectionClosed:
        pass
    finally:
        release.set()
    assert rec.route("$disconnect")["requestContext"]["disconnectStatusCode"] == 1001
    assert not [r for r in caplog.records if "CancelledError" in r.getMessage() or (
        r.exc_info and r.exc_info[0] is not None and "Cancelled" in r.exc_info[0].__name__)]
    with apigw.deployed(make_api(EventRecorder())) as again:
        _serves_normally(again)


@pytest.mark.parametrize("value", ["a\r\nInjected: yes", "snow ☃"])
def test_connect_rejection_with_an_invalid_header_is_a_500(apigw, rec, value):
    from websockets.exceptions import InvalidStatus

    from pytest_apigw.ws_client import SyncClient

    api = make_api(rec, connect=lambda event: {"statusCode": 401, "headers": {"x-why": value}})
    deployment = apigw.deploy(api)
    with pytest.raises(InvalidStatus) as info:
        SyncClient(deployment.ws_url)
    assert info.value.response.status_code == 500
    assert "Injected" not in info.value.response.headers
    ok = apigw.deploy(make_api(EventRecorder()))
    _serves_normally(ok)
