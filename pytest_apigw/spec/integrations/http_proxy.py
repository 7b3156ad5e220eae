"""``HttpProxyIntegration`` (alias ``HttpUrlIntegration``): route → a public HTTP endpoint."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

from pytest_apigw.errors import SpecError
from pytest_apigw.spec.integrations.base import HttpRouteIntegration, integration_timeout
from pytest_apigw.spec.methods import HttpMethod
from pytest_apigw.spec.route_key import method_name


class HttpProxyIntegration(HttpRouteIntegration):
    """Forward the request to ``url`` with ``method`` (``ANY`` keeps the client's method).

    The URL may use ``{proxy}`` (with a greedy route) and ``${stageVariables.name}``.
    """

    integration_type = "HTTP_PROXY"

    def __init__(
        self,
        *,
        url: str,
        method: HttpMethod | str = HttpMethod.ANY,
        parameter_mapping: object | None = None,
        timeout: float | timedelta | None = None,
    ) -> None:
        if not isinstance(url, str):
            raise SpecError(self.label, f"url must be a str, got {type(url).__name__} {url!r}")
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise SpecError(
                self.label, f"url {url!r} must be an absolute http:// or https:// URL"
            )
        self.url = url
        self.method = method_name(self.label, method)
        self.parameter_mapping = parameter_mapping
        self.timeout = integration_timeout(self.label, timeout)

    def __repr__(self) -> str:
        return f"HttpProxyIntegration(url={self.url!r}, method={self.method})"


#: The newer CDK name.
HttpUrlIntegration = HttpProxyIntegration
