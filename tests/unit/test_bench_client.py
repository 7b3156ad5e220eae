"""``benchmarks.common.Client`` sends a request once more, on a new connection, when the server
had closed the idle keep-alive connection (as uvicorn does after its keep-alive timeout)."""

from __future__ import annotations

import socket
import threading


def _one_answer_per_connection(listener: socket.socket, connections: list[int]) -> None:
    """Answer one request on each of three connections with keep-alive, then close it, as an
    idle timeout would."""
    for _ in range(3):
        conn, _ = listener.accept()
        with conn:
            connections.append(1)
            data = b""
            while b"\r\n\r\n" not in data:
                data += conn.recv(4096)
            conn.sendall(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok")
            conn.shutdown(socket.SHUT_RDWR)


def test_a_request_on_a_connection_the_server_closed_is_sent_again():
    from benchmarks.common import Client

    listener = socket.create_server(("127.0.0.1", 0))
    connections: list[int] = []
    thread = threading.Thread(target=_one_answer_per_connection, args=(listener, connections), daemon=True)
    thread.start()
    client = Client(f"http://127.0.0.1:{listener.getsockname()[1]}/x", timeout=5)
    try:
        assert [client.get() for _ in range(3)] == [(200, b"ok")] * 3
        assert len(connections) == 3
    finally:
        client.close()
        listener.close()
        thread.join(5)
