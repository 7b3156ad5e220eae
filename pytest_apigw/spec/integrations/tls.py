"""``tls_config`` of HTTP integrations: reach the upstream over TLS and verify its name."""

from __future__ import annotations

import re

from pytest_apigw.errors import SpecError

#: A host name (DNS labels; a leading '*.' wildcard allowed).
_HOST_RE = re.compile(r"(\*\.)?[A-Za-z0-9]([A-Za-z0-9-]{0,62})(\.[A-Za-z0-9]([A-Za-z0-9-]{0,62}))*\Z")


class TlsConfig:
    """AWS's ``TlsConfig``: ``server_name_to_verify`` is the SNI name checked against the
    upstream's certificate (for private integrations it also switches the hop to HTTPS).

    ``ca_pem`` is for emulators only: PEM text of extra CA certificates to trust for this
    upstream, besides the system's (e.g. the CA of a self-signed upstream a test creates). Real
    API Gateway trusts public CAs only, so a cloud backend cannot honour it.
    """

    def __init__(
        self, *, server_name_to_verify: str | None = None, ca_pem: str | bytes | None = None
    ) -> None:
        if server_name_to_verify is not None and (
            not isinstance(server_name_to_verify, str) or not _HOST_RE.match(server_name_to_verify)
        ):
            raise SpecError(
                "TlsConfig", f"server_name_to_verify must be a host name, got {server_name_to_verify!r}"
            )
        if isinstance(ca_pem, bytes):
            ca_pem = ca_pem.decode("ascii")
        if ca_pem is not None and (not isinstance(ca_pem, str) or "BEGIN CERTIFICATE" not in ca_pem):
            raise SpecError("TlsConfig", "ca_pem must be PEM text holding '-----BEGIN CERTIFICATE-----'")
        self.server_name_to_verify = server_name_to_verify
        self.ca_pem = ca_pem

    def __repr__(self) -> str:
        return f"TlsConfig(server_name_to_verify={self.server_name_to_verify!r})"


def tls_config(owner: str, value: object, secure_server_name: str | None = None) -> TlsConfig | None:
    """Validate ``tls_config=``; CDK's ``secure_server_name=`` is a shorthand for it."""
    if value is not None and not isinstance(value, TlsConfig):
        raise SpecError(owner, f"tls_config must be a TlsConfig, got {value!r}")
    if secure_server_name is not None:
        if value is not None and value.server_name_to_verify not in (None, secure_server_name):
            raise SpecError(owner, "secure_server_name and tls_config.server_name_to_verify disagree")
        return TlsConfig(server_name_to_verify=secure_server_name, ca_pem=value.ca_pem if value else None)
    return value
