"""What every HTTP API integration spec shares: a type, a payload version, a timeout."""

from __future__ import annotations

from datetime import timedelta
from typing import ClassVar

from pytest_apigw.errors import SpecError

#: HTTP APIs allow integration timeouts from 50 ms up to 30 s (``limits.md``).
MAX_HTTP_TIMEOUT = 30.0
MIN_HTTP_TIMEOUT = 0.05


def integration_timeout(owner: str, value: float | timedelta | None) -> float:
    """Validate an integration timeout (seconds or timedelta); ``None`` means AWS's 30 s."""
    if value is None:
        return MAX_HTTP_TIMEOUT
    seconds = value.total_seconds() if isinstance(value, timedelta) else value
    if isinstance(seconds, bool) or not isinstance(seconds, int | float):
        raise SpecError(owner, f"timeout must be seconds or a timedelta, got {value!r}")
    if not MIN_HTTP_TIMEOUT <= seconds <= MAX_HTTP_TIMEOUT:
        raise SpecError(
            owner,
            f"timeout {seconds} s is outside what HTTP APIs allow ({MIN_HTTP_TIMEOUT * 1000:.0f} ms "
            f"to {MAX_HTTP_TIMEOUT:.0f} s)",
        )
    return float(seconds)


def v2_arguments(owner: str, construct_id: object, value: object, name: str) -> object:
    """CDK v2 spells integrations with the construct id first (``HttpLambdaIntegration("id", fn)``),
    v1 with keywords only (``LambdaProxyIntegration(handler=fn)``): accept both, require ``name``."""
    if construct_id is not None and not isinstance(construct_id, str):
        raise SpecError(
            owner, f"the first positional argument is the construct id (CDK v2: {owner}('id', {name})); "
            f"pass {name}= by keyword otherwise, got {construct_id!r}"
        )
    if value is None:
        raise SpecError(owner, f"{name} is required ({owner}('id', {name}) or {owner}({name}=...))")
    return value


class HttpRouteIntegration:
    """Base of the integrations a route of an :class:`~pytest_apigw.HttpApi` can use.

    ``integration_type`` is AWS's (``AWS_PROXY`` or ``HTTP_PROXY``); ``connection_type`` is
    ``INTERNET`` or ``VPC_LINK``. Backends dispatch on the concrete class.
    """

    integration_type: ClassVar[str] = ""
    connection_type: ClassVar[str] = "INTERNET"
    payload_format_version: str = "1.0"
    timeout: float = MAX_HTTP_TIMEOUT
    parameter_mapping: object | None = None
    #: The CDK v2 construct id, when given (``HttpUrlIntegration("id", url)``).
    id: str | None = None

    @property
    def label(self) -> str:
        """How errors name this integration."""
        return type(self).__name__

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"
