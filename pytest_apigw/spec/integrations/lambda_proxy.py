"""``LambdaProxyIntegration`` (alias ``HttpLambdaIntegration``): route → Lambda function."""

from __future__ import annotations

from datetime import timedelta

from pytest_apigw.errors import SpecError
from pytest_apigw.spec.function import Function
from pytest_apigw.spec.integrations.base import HttpRouteIntegration, integration_timeout

PAYLOAD_FORMAT_VERSIONS = ("1.0", "2.0")


class LambdaProxyIntegration(HttpRouteIntegration):
    """Invoke ``handler`` (a :class:`~pytest_apigw.Function`) with a proxy event.

    ``payload_format_version`` is ``"2.0"`` (CDK's default) or ``"1.0"``. A plain callable is
    accepted too and wrapped in a :class:`Function` named after it.
    """

    integration_type = "AWS_PROXY"

    def __init__(
        self,
        *,
        handler: Function | object,
        payload_format_version: str = "2.0",
        timeout: float | timedelta | None = None,
    ) -> None:
        handler = Function.of(self.label, handler)
        if payload_format_version not in PAYLOAD_FORMAT_VERSIONS:
            raise SpecError(
                self.label,
                f"payload_format_version {payload_format_version!r} is not supported; "
                "use '1.0' or '2.0'",
            )
        self.handler: Function = handler
        self.payload_format_version = payload_format_version
        self.timeout = integration_timeout(self.label, timeout)

    def __repr__(self) -> str:
        return f"LambdaProxyIntegration(handler={self.handler.id!r}, v{self.payload_format_version})"


#: The newer CDK name.
HttpLambdaIntegration = LambdaProxyIntegration
