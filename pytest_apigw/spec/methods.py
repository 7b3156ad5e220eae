"""``HttpMethod``: the methods a route can name (``ANY`` matches every method not named)."""

from __future__ import annotations

from enum import Enum


class HttpMethod(str, Enum):
    """HTTP methods accepted in an HTTP API route key, as CDK's ``HttpMethod``."""

    ANY = "ANY"
    DELETE = "DELETE"
    GET = "GET"
    HEAD = "HEAD"
    OPTIONS = "OPTIONS"
    PATCH = "PATCH"
    POST = "POST"
    PUT = "PUT"

    def __str__(self) -> str:
        return self.value
