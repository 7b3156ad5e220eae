"""``LambdaProxyIntegration`` (alias ``HttpLambdaIntegration``): route → Lambda function."""

from __future__ import annotations

from datetime import timedelta

from pytest_apigw.errors import SpecError
from pytest_apigw.spec.function import Function
from pytest_apigw.spec.integrations.base import HttpRouteIntegration, integration_timeout, v2_arguments

PAYLOAD_FORMAT_VERSIONS = ("1.0", "2.0")


class LambdaProxyIntegration(HttpRouteIntegration):
    """Invoke ``handler`` (a :class:`~pytest_apigw.Function`) with a proxy event.

    ``payload_format_version`` is ``"2.0"`` (CDK's default) or ``"1.0"``. A plain callable is
    accepted too and wrapped in a :class:`Function` named after it. CDK v2's spelling,
    ``HttpLambdaIntegration("id", fn, payload_format_version=...)``, works too.

    ``missing_permission`` is set (to the reason) by :func:`~pytest_apigw.load_template` when no
    ``AWS::Lambda::Permission`` lets API Gateway invoke the function for the route: the route
    then answers 500 as on AWS. Specs built in Python are always permitted.
    """

    integration_type = "AWS_PROXY"
    missing_permission: str | None = None

    def __init__(
        self,
        id: str | None = None,  # noqa: A002 - CDK v2's construct id
        handler: Function | object = None,
        *,
        payload_format_version: str = "2.0",
        timeout: float | timedelta | None = None,
    ) -> None:
        handler = Function.of(self.label, v2_arguments(self.label, id, handler, "handler"))
        self.id = id
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
