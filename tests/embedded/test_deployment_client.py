"""``Deployment.client()``: an httpx client on the deployment's URL that verifies TLS as httpx
does by default (one CA bundle loaded per process instead of one per client), and that takes the
caller's own TLS settings."""

from __future__ import annotations

import ssl

import httpx
import pytest
import trustme

from pytest_apigw import Function, HttpApi, LambdaProxyIntegration
from tests.embedded.upstream_servers import running_upstreams


@pytest.fixture
def tls_echo():
    """An HTTPS echo server on loopback whose certificate a test CA signed (trusted by nobody)."""
    ca = trustme.CA()
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(context)
    for upstreams in running_upstreams():
        yield ca, upstreams.echo("tls", ssl=context)


def _deployment(apigw):
    hello = Function("Hello", handler=lambda event, context: {"statusCode": 200, "body": "hello"})
    return apigw.deploy(HttpApi("Client", default_integration=LambdaProxyIntegration(handler=hello)))


def test_the_client_reaches_the_deployment_and_verifies_tls_by_default(apigw, tls_echo) -> None:
    _, server = tls_echo
    deployment = _deployment(apigw)
    with deployment.client() as client, deployment.client() as other:
        assert client.get("/x").text == "hello"
        assert other.get("/x").text == "hello"
        with pytest.raises(httpx.ConnectError, match="CERTIFICATE_VERIFY_FAILED"):
            client.get(f"{server.url}/x")  # an untrusted certificate is refused, as httpx does


def test_the_callers_own_tls_settings_are_used(apigw, tls_echo) -> None:
    ca, server = tls_echo
    trusting = ssl.create_default_context()
    ca.configure_trust(trusting)
    deployment = _deployment(apigw)
    with deployment.client(verify=trusting) as client:
        assert client.get(f"{server.url}/x").status_code == 200
        assert client.get("/x").text == "hello"
