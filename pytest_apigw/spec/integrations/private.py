"""Private integrations through a VPC link: ALB and NLB listeners, Cloud Map services."""

from __future__ import annotations

from datetime import timedelta
from typing import ClassVar

from pytest_apigw.errors import SpecError
from pytest_apigw.spec._base import string_map
from pytest_apigw.spec.cloud_map import Service
from pytest_apigw.spec.integrations.base import HttpRouteIntegration, integration_timeout, v2_arguments
from pytest_apigw.spec.integrations.tls import TlsConfig, tls_config
from pytest_apigw.spec.methods import HttpMethod
from pytest_apigw.spec.network import ApplicationListener, Listener, NetworkListener, Vpc, VpcLink
from pytest_apigw.spec.parameter_mapping import request_mapping, response_mappings
from pytest_apigw.spec.route_key import method_name


class HttpPrivateIntegration(HttpRouteIntegration):
    """Base of the private integrations: an HTTP proxy over a VPC link."""

    integration_type = "HTTP_PROXY"
    connection_type = "VPC_LINK"

    def _common(
        self,
        method: HttpMethod | str,
        parameter_mapping: object | None,
        timeout: float | timedelta | None,
        secure_server_name: str | None,
        response_parameter_mapping: object | None = None,
        tls: TlsConfig | None = None,
    ) -> None:
        self.method = method_name(self.label, method)
        self.parameter_mapping = request_mapping(self.label, parameter_mapping)
        self.response_parameter_mapping = response_mappings(self.label, response_parameter_mapping)
        self.timeout = integration_timeout(self.label, timeout)
        #: ``tls_config``: when set, the backend is reached over TLS, verifying that name.
        self.tls_config = tls_config(self.label, tls, secure_server_name)
        self.secure_server_name = self.tls_config.server_name_to_verify if self.tls_config else None


class _LoadBalancerIntegration(HttpPrivateIntegration):
    listener_type: ClassVar[type[Listener]] = Listener

    def __init__(
        self,
        id: str | None = None,  # noqa: A002 - CDK v2's construct id
        listener: Listener | None = None,
        *,
        vpc_link: VpcLink | None = None,
        vpc: Vpc | None = None,
        method: HttpMethod | str = HttpMethod.ANY,
        parameter_mapping: object | None = None,
        timeout: float | timedelta | None = None,
        secure_server_name: str | None = None,
        response_parameter_mapping: object | None = None,
        tls_config: TlsConfig | None = None,
    ) -> None:
        v2_arguments(self.label, id, listener, "listener")
        self.id = id
        if not isinstance(listener, self.listener_type):
            raise SpecError(
                self.label,
                f"listener must be a {self.listener_type.__name__}, got {type(listener).__name__}",
            )
        if vpc_link is not None and not isinstance(vpc_link, VpcLink):
            raise SpecError(self.label, f"vpc_link must be a VpcLink, got {vpc_link!r}")
        if vpc is not None and not isinstance(vpc, Vpc):
            raise SpecError(self.label, f"vpc must be a Vpc, got {vpc!r}")
        if vpc_link is None and vpc is None and listener.vpc is None:
            raise SpecError(
                self.label,
                f"listener {listener.id!r} is imported, so its VPC is unknown: pass vpc= "
                "(or vpc_link=) to the integration",
            )
        self.listener = listener
        #: A VPC link is made implicitly for the listener's VPC when none is given (as CDK does).
        self.vpc_link = vpc_link or VpcLink(f"{listener.id}-VpcLink", vpc=vpc or listener.vpc)
        #: Made here, not given: CDK makes one such link per VPC of an API (``addVpcLink``).
        self.implicit_vpc_link = vpc_link is None
        self._common(method, parameter_mapping, timeout, secure_server_name, response_parameter_mapping,
                     tls_config)


class HttpAlbIntegration(_LoadBalancerIntegration):
    """Route → an Application Load Balancer listener through a VPC link."""

    listener_type = ApplicationListener


class HttpNlbIntegration(_LoadBalancerIntegration):
    """Route → a Network Load Balancer listener through a VPC link."""

    listener_type = NetworkListener


class HttpServiceDiscoveryIntegration(HttpPrivateIntegration):
    """Route → the instances of a Cloud Map ``service`` through ``vpc_link``.

    ``attribute_filters`` (``{name: value}``) keeps only instances whose custom attributes match,
    as the query of AWS's integration URI does (``...:service/srv-id?stage=prod``).
    """

    def __init__(
        self,
        id: str | None = None,  # noqa: A002 - CDK v2's construct id
        service: Service | None = None,
        *,
        vpc_link: VpcLink | None = None,
        method: HttpMethod | str = HttpMethod.ANY,
        parameter_mapping: object | None = None,
        timeout: float | timedelta | None = None,
        secure_server_name: str | None = None,
        response_parameter_mapping: object | None = None,
        tls_config: TlsConfig | None = None,
        attribute_filters: dict[str, str] | None = None,
    ) -> None:
        v2_arguments(self.label, id, service, "service")
        self.id = id
        if not isinstance(vpc_link, VpcLink):
            raise SpecError(self.label, f"vpc_link must be a VpcLink, got {vpc_link!r}")
        if not isinstance(service, Service):
            raise SpecError(self.label, f"service must be a Service, got {service!r}")
        self.vpc_link = vpc_link
        self.service = service
        self.attribute_filters = string_map(self.label, "attribute_filters", attribute_filters)
        self._common(method, parameter_mapping, timeout, secure_server_name, response_parameter_mapping,
                     tls_config)
