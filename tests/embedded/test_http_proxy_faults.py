"""Upstream faults (refused, timeout, broken) and TLS to upstreams, over real sockets."""

from __future__ import annotations

import ssl
import time

import httpx
import pytest
import trustme

from pytest_apigw import HttpApi, HttpProxyIntegration, TlsConfig
from tests.embedded.upstream_servers import running_upstreams


@pytest.fixture
def upstreams():
    yield from running_upstreams()


@pytest.fixture(scope="module")
def ca():
    return trustme.CA()


def _deploy(apigw, integration):
    return apigw.deploy(HttpApi("Faults", default_integration=integration)).url


def test_refused_connection_is_503(apigw, upstreams):
    url = _deploy(apigw, HttpProxyIntegration(url=f"http://127.0.0.1:{upstreams.refused_port()}"))
    response = httpx.get(url + "/x")
    assert response.status_code == 503
    assert response.json() == {"message": "Service Unavailable"}


def test_upstream_slower_than_the_integration_timeout_is_504(apigw, upstreams):
    slow = upstreams.echo(delay=20)
    url = _deploy(apigw, HttpProxyIntegration(url=slow.url, timeout=0.5))
    started = time.monotonic()
    response = httpx.get(url + "/x", timeout=15)
    assert response.status_code == 504
    assert response.json() == {"message": "Gateway Timeout"}
    assert time.monotonic() - started < 10  # the timeout, not the upstream, ended it
    assert len(slow.requests) == 1


def test_upstream_closing_mid_response_is_502_and_the_gateway_keeps_serving(apigw, upstreams):
    broken, echo = upstreams.broken(), upstreams.echo()
    api = HttpApi("Faults")
    api.add_routes(path="/broken", integration=HttpProxyIntegration(url=broken.url))
    api.add_routes(path="/ok", integration=HttpProxyIntegration(url=echo.url))
    url = apigw.deploy(api).url
    with httpx.Client() as client:
        for _ in range(3):
            response = client.get(url + "/broken")
            assert response.status_code == 502
            assert response.json() == {"message": "Bad Gateway"}
            assert client.get(url + "/ok").status_code == 200


def _tls_upstream(upstreams, ca, *names):
    """An HTTPS upstream whose certificate, for ``names``, is signed by the test's own CA."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert(*names).configure_cert(context)
    return upstreams.echo("tls", ssl=context)


def test_https_upstream_with_the_tests_own_ca(apigw, upstreams, ca):
    server = _tls_upstream(upstreams, ca, "127.0.0.1")
    tls = TlsConfig(ca_pem=ca.cert_pem.bytes())
    integration = HttpProxyIntegration(url=server.url + "/secure", tls_config=tls)
    response = httpx.get(_deploy(apigw, integration) + "/")
    assert response.status_code == 200
    assert response.json()["path"] == "/secure/"


def test_server_name_to_verify_is_sent_as_sni_and_checked(apigw, upstreams, ca):
    server = _tls_upstream(upstreams, ca, "api.internal.example")
    good = TlsConfig(server_name_to_verify="api.internal.example", ca_pem=ca.cert_pem.bytes())
    wrong = TlsConfig(server_name_to_verify="other.example", ca_pem=ca.cert_pem.bytes())
    api = HttpApi("Tls")
    api.add_routes(path="/good", integration=HttpProxyIntegration(url=server.url, tls_config=good))
    api.add_routes(path="/wrong", integration=HttpProxyIntegration(url=server.url, tls_config=wrong))
    url = apigw.deploy(api).url
    assert httpx.get(url + "/good").status_code == 200
    # A certificate that does not match, or one nobody trusts: the TLS handshake fails (500).
    assert httpx.get(url + "/wrong").json() == {"message": "Internal Server Error"}


def test_untrusted_certificate_is_refused(apigw, upstreams, ca):
    server = _tls_upstream(upstreams, ca, "127.0.0.1")
    response = httpx.get(_deploy(apigw, HttpProxyIntegration(url=server.url)) + "/")
    assert response.status_code == 500
    assert server.requests == []
