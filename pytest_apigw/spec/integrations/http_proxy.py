"""``HttpProxyIntegration`` (alias ``HttpUrlIntegration``): route → a public HTTP endpoint."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

from pytest_apigw.errors import SpecError
from pytest_apigw.spec.integrations.base import HttpRouteIntegration, integration_timeout, v2_arguments
from pytest_apigw.spec.integrations.tls import TlsConfig, tls_config
from pytest_apigw.spec.methods import HttpMethod
from pytest_apigw.spec.parameter_mapping import request_mapping, response_mappings
from pytest_apigw.spec.route_key import method_name


class HttpProxyIntegration(HttpRouteIntegration):
    """Forward the request to ``url`` with ``method`` (``ANY`` keeps the client's method).

    The URL may use ``{proxy}`` (with a greedy route), other ``{param}`` path parameters and
    ``${stageVariables.name}``. ``parameter_mapping`` (a :class:`ParameterMapping`) rewrites the
    request, ``response_parameter_mapping={status: ParameterMapping}`` the response;
    ``tls_config`` sets the name verified on an ``https://`` upstream.
    """

    integration_type = "HTTP_PROXY"

    def __init__(
        self,
        id: str | None = None,  # noqa: A002 - CDK v2's construct id
        url: str | None = None,
        *,
        method: HttpMethod | str = HttpMethod.ANY,
        parameter_mapping: object | None = None,
        timeout: float | timedelta | None = None,
        response_parameter_mapping: object | None = None,
        tls_config: TlsConfig | None = None,
    ) -> None:
        v2_arguments(self.label, id, url, "url")
        self.id = id
        if not isinstance(url, str):
            raise SpecError(self.label, f"url must be a str, got {type(url).__name__} {url!r}")
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise SpecError(
                self.label, f"url {url!r} must be an absolute http:// or https:// URL"
            )
        self.url = url
        self.method = method_name(self.label, method)
        self.parameter_mapping = request_mapping(self.label, parameter_mapping)
        self.response_parameter_mapping = response_mappings(self.label, response_parameter_mapping)
        self.timeout = integration_timeout(self.label, timeout)
        self.tls_config = _tls(self.label, tls_config)

    def __repr__(self) -> str:
        return f"HttpProxyIntegration(url={self.url!r}, method={self.method})"


def _tls(owner: str, value: object) -> TlsConfig | None:
    return tls_config(owner, value)


#: The newer CDK name.
HttpUrlIntegration = HttpProxyIntegration
