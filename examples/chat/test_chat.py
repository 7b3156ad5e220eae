"""The chat room, driven by several real WebSocket clients."""

import pytest
from chat import Members, chat_api


@pytest.fixture
def room(apigw):
    members = Members()
    return apigw.deploy(chat_api(members)), members


def test_join_say_leave(room):
    deployment, members = room
    with deployment.ws_connect() as ana, deployment.ws_connect() as bob, deployment.ws_connect() as cy:
        ana.send_json({"action": "join", "name": "ana"})
        assert ana.recv_json() == {"event": "joined", "name": "ana", "members": ["ana"]}
        bob.send_json({"action": "join", "name": "bob"})
        for client in (ana, bob):
            assert client.recv_json() == {"event": "joined", "name": "bob", "members": ["ana", "bob"]}
        cy.send_json({"action": "join", "name": "cy"})
        for client in (ana, bob, cy):
            assert client.recv_json()["name"] == "cy"

        bob.send_json({"action": "say", "text": "hello, room"})
        for client in (ana, bob, cy):
            assert client.recv_json() == {"event": "message", "from": "bob", "text": "hello, room"}

        cy.send_json({"action": "leave"})
        for client in (ana, bob):
            assert client.recv_json() == {"event": "left", "name": "cy"}
        assert sorted(members.joined().values()) == ["ana", "bob"]

        ana.send_json({"action": "say", "text": "bye cy"})
        assert bob.recv_json()["text"] == "bye cy"
        assert ana.recv_json()["text"] == "bye cy"


def test_closing_the_socket_is_leaving(room):
    deployment, _ = room
    with deployment.ws_connect() as ana:
        ana.send_json({"action": "join", "name": "ana"})
        ana.recv_json()
        with deployment.ws_connect() as bob:
            bob.send_json({"action": "join", "name": "bob"})
            ana.recv_json()
            bob.recv_json()
        assert ana.recv_json() == {"event": "left", "name": "bob"}  # bob's $disconnect told the room


def test_errors_go_back_to_the_sender_only(room):
    deployment, _ = room
    with deployment.ws_connect() as ana:
        ana.send_json({"action": "say", "text": "too early"})
        assert ana.recv_json() == {"event": "error", "reason": "join first"}
        ana.send_json({"action": "dance"})
        assert ana.recv_json() == {"event": "error", "reason": "unknown action"}
        ana.send("not even json")
        assert ana.recv_json() == {"event": "error", "reason": "unknown action"}
