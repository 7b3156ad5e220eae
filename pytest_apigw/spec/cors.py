"""``CorsPreflightOptions``: an HTTP API's CORS configuration (``http-api-cors.md``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from typing import Any

from pytest_apigw.errors import SpecError
from pytest_apigw.spec._base import expect_bool, expect_items

#: AWS's upper bound for ``maxAge`` (seconds).
MAX_AGE_LIMIT = 86400


class CorsHttpMethod(StrEnum):
    """Methods a CORS configuration can allow (``ANY`` is ``*``), as CDK's ``CorsHttpMethod``."""

    ANY = "*"
    DELETE = "DELETE"
    GET = "GET"
    HEAD = "HEAD"
    OPTIONS = "OPTIONS"
    PATCH = "PATCH"
    POST = "POST"
    PUT = "PUT"


def _strings(name: str, value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    items = expect_items("CorsPreflightOptions", name, value)
    if not all(isinstance(v, str) and "\n" not in v and "\r" not in v for v in items):
        raise SpecError("CorsPreflightOptions", f"{name} must be a list of one-line strings, got {value!r}")
    return items


@dataclass(frozen=True)
class CorsPreflightOptions:
    """CORS for an :class:`~pytest_apigw.HttpApi` (``HttpApi(..., cors_preflight=...)``).

    With it, the gateway answers preflight ``OPTIONS`` requests itself (even without an
    ``OPTIONS`` route), adds the CORS headers to integration responses and drops the ones the
    integration returned, as API Gateway does.
    """

    allow_origins: tuple[str, ...] | list[str] | None = None
    allow_methods: tuple[CorsHttpMethod | str, ...] | list[CorsHttpMethod | str] | None = None
    allow_headers: tuple[str, ...] | list[str] | None = None
    expose_headers: tuple[str, ...] | list[str] | None = None
    allow_credentials: bool = False
    max_age: int | timedelta | None = None

    def __post_init__(self) -> None:
        origins = _strings("allow_origins", self.allow_origins)
        methods = tuple(
            m.value if isinstance(m, CorsHttpMethod) else m
            for m in expect_items("CorsPreflightOptions", "allow_methods", self.allow_methods or ())
        )
        for method in methods:
            if method not in {m.value for m in CorsHttpMethod}:
                raise SpecError(
                    "CorsPreflightOptions", f"allow_methods: {method!r} is not an HTTP method or '*'"
                )
        expect_bool("CorsPreflightOptions", "allow_credentials", self.allow_credentials)
        if self.allow_credentials and "*" in origins:
            raise SpecError(
                "CorsPreflightOptions",
                "allow_credentials cannot be true when allow_origins contains '*' (AWS rejects "
                "this CORS configuration); list the origins instead",
            )
        seconds = self.max_age.total_seconds() if isinstance(self.max_age, timedelta) else self.max_age
        if seconds is not None and not (isinstance(seconds, int | float) and 0 <= seconds <= MAX_AGE_LIMIT):
            raise SpecError(
                "CorsPreflightOptions", f"max_age must be 0 to {MAX_AGE_LIMIT} s, got {self.max_age!r}"
            )
        object.__setattr__(self, "allow_origins", origins)
        object.__setattr__(self, "allow_methods", methods)
        object.__setattr__(self, "allow_headers", _strings("allow_headers", self.allow_headers))
        object.__setattr__(self, "expose_headers", _strings("expose_headers", self.expose_headers))

    @classmethod
    def coerce(cls, value: Any) -> CorsPreflightOptions | None:
        """Accept the options, a dict of the same keywords, or ``None``."""
        if value is None or isinstance(value, cls):
            return value
        if isinstance(value, dict):
            return cls(**value)
        raise SpecError("HttpApi", f"cors_preflight must be CorsPreflightOptions or a dict, got {value!r}")

    @property
    def max_age_seconds(self) -> int | None:
        """``max_age`` in whole seconds."""
        if self.max_age is None:
            return None
        return int(self.max_age.total_seconds() if isinstance(self.max_age, timedelta) else self.max_age)

    def allows_origin(self, origin: str) -> bool:
        """True when ``origin`` is listed, or ``*`` is, or a scheme wildcard matches it
        (``https://*``, ``http://*``: "any origin that begins with", ``http-api-cors.md``)."""
        for allowed in self.allow_origins or ():
            if allowed == "*" or allowed == origin:
                return True
            if allowed in ("https://*", "http://*") and origin.startswith(allowed[:-1]):
                return True
        return False
