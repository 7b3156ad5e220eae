"""Where a LocalStack container reaches the upstream servers a test runs.

A test's HTTP proxy targets, load balancer targets and Cloud Map instances listen on the test
process's 127.0.0.1, which a LocalStack container cannot reach. ``--apigw-upstream-host=HOST``
(ini ``apigw_upstream_host``, ``$PYTEST_APIGW_UPSTREAM_HOST``) names the address the endpoint
should use instead: every loopback host in what is provisioned (HTTP proxy URLs, IP targets,
Cloud Map instances) becomes HOST, and the ``apigw_upstream_host`` fixture tells a test's
servers where to listen. With testcontainers, ``host.docker.internal`` is mapped for the
container; IP targets need an address, so a name is resolved on this machine first.
"""

from __future__ import annotations

import ipaddress
import os
import socket
from urllib.parse import urlsplit, urlunsplit

ENV = "PYTEST_APIGW_UPSTREAM_HOST"
_LOOPBACK_NAMES = ("localhost",)


def is_loopback(host: str | None) -> bool:
    """``127.0.0.0/8``, ``::1`` or ``localhost``."""
    if not host:
        return False
    if host.lower() in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


class UpstreamHost:
    """The address loopback upstreams are handed to the endpoint under (``None``: unchanged)."""

    def __init__(self, host: str | None) -> None:
        self.host = host or None

    @classmethod
    def from_config(cls, option: str | None, ini: str | None = None) -> UpstreamHost:
        """Option, then ini, then the environment."""
        return cls(option or ini or os.environ.get(ENV))

    def url(self, url: str) -> str:
        """``url`` with a loopback host replaced (port, path and query kept)."""
        if self.host is None:
            return url
        parts = urlsplit(url)
        if not is_loopback(parts.hostname):
            return url
        netloc = self.host if parts.port is None else f"{self.host}:{parts.port}"
        if parts.username:
            netloc = f"{parts.username}{':' + parts.password if parts.password else ''}@{netloc}"
        return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))

    def ip(self, address: str) -> str:
        """An IP target or instance address: a loopback one becomes the host's IP address."""
        if self.host is None or not is_loopback(address):
            return address
        try:
            return str(ipaddress.ip_address(self.host))
        except ValueError:
            return socket.gethostbyname(self.host)
