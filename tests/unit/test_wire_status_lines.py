"""The status lines the lean HTTP server writes: Python's reason phrase, or none for a status it
does not know (the table is built from one pass over ``HTTPStatus``, not a lookup per status)."""

from __future__ import annotations

import http

from pytest_apigw_embedded.server.wire import STATUS_LINES, status_line


def _expected(status: int) -> bytes:
    try:
        phrase = http.HTTPStatus(status).phrase
    except ValueError:
        phrase = ""
    return f"HTTP/1.1 {status} {phrase}\r\n".encode()


def test_every_status_line_has_pythons_phrase_or_none() -> None:
    assert set(STATUS_LINES) == set(range(100, 600))
    for status in range(100, 600):
        assert STATUS_LINES[status] == status_line(status) == _expected(status), status
    assert STATUS_LINES[200] == b"HTTP/1.1 200 OK\r\n"
    assert STATUS_LINES[599] == b"HTTP/1.1 599 \r\n"
    assert status_line(999) == b"HTTP/1.1 999 \r\n"
