"""JWKS fetches are bounded as on AWS (issue 11): one in flight per issuer, unknown kids cannot
make the gateway hammer the issuer, 1,500 ms per request and 150,000 bytes at most. Each fault is
followed by a request that is served normally."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import httpx
from pytest_apigw_embedded.authorizers import jwks

from pytest_apigw.invocations import LOG
from tests.embedded.test_authorizers_jwt import bearer, make_api
from tests.support.oidc import KEY


def test_many_unknown_kids_cost_one_refetch(apigw, issuer):
    url = apigw.deploy(make_api(issuer)).url
    assert httpx.get(f"{url}/books", headers=bearer(issuer.token())).status_code == 200
    with httpx.Client(timeout=10) as client:
        for n in range(200):
            token = issuer.token(kid=f"made-up-{n}", key=KEY)
            assert client.get(f"{url}/books", headers=bearer(token)).status_code == 401
    assert issuer.hits["/jwks.json"] == 2  # the first fetch and one refetch for unknown kids
    assert httpx.get(f"{url}/books", headers=bearer(issuer.token())).status_code == 200


def test_concurrent_first_requests_share_one_fetch(apigw, issuer):
    issuer.jwks_delay = 0.2  # every request arrives while the first fetch is in flight
    url = apigw.deploy(make_api(issuer)).url
    token = issuer.token()
    with ThreadPoolExecutor(20) as pool:
        statuses = list(pool.map(lambda _: httpx.get(f"{url}/books", headers=bearer(token),
                                                     timeout=10).status_code, range(20)))
    assert statuses == [200] * 20
    assert issuer.hits == {"/.well-known/openid-configuration": 1, "/jwks.json": 1}


def test_jwks_over_150000_bytes_is_refused(apigw, issuer, monkeypatch):
    issuer.jwks_padding = jwks.MAX_DOCUMENT_BYTES
    url = apigw.deploy(make_api(issuer)).url
    mark = LOG.mark()
    assert httpx.get(f"{url}/books", headers=bearer(issuer.token()), timeout=10).status_code == 401
    assert "150000 bytes" in LOG.since(mark)[-1].error
    issuer.jwks_padding = jwks.MAX_DOCUMENT_BYTES - 2000  # just under: accepted
    monkeypatch.setattr(jwks, "FAILED_FETCH_MEMORY", 0.0)  # try again at once
    assert httpx.get(f"{url}/books", headers=bearer(issuer.token()), timeout=10).status_code == 200


def test_a_slow_jwks_endpoint_times_out_at_1500_ms(apigw, issuer, monkeypatch):
    issuer.jwks_delay = 3.0
    url = apigw.deploy(make_api(issuer)).url
    mark = LOG.mark()
    # A 2.5 s client timeout: waiting for the slow issuer (3 s) would fail here.
    assert httpx.get(f"{url}/books", headers=bearer(issuer.token()), timeout=2.5).status_code == 401
    assert "1500 ms" in LOG.since(mark)[-1].error
    # Meanwhile more requests fail at once with the same reason, not 1.5 s each.
    for _ in range(5):
        assert httpx.get(f"{url}/books", headers=bearer(issuer.token()), timeout=1.0).status_code == 401
    issuer.jwks_delay = 0.0
    monkeypatch.setattr(jwks, "FAILED_FETCH_MEMORY", 0.0)  # try again at once
    assert httpx.get(f"{url}/books", headers=bearer(issuer.token()), timeout=10).status_code == 200


def test_keys_are_not_shared_between_deployments(apigw, issuer):
    """The next test's issuer on the same URL, with the same kid but another key (a port reused),
    is not answered from the previous deployment's cache."""
    from tests.support.oidc import OTHER_KEY

    with apigw.deployed(make_api(issuer)) as first:
        assert httpx.get(f"{first.url}/books", headers=bearer(issuer.token()), timeout=10).status_code == 200
    issuer.keys = {"k1": OTHER_KEY}
    with apigw.deployed(make_api(issuer)) as second:
        token = issuer.token(kid="k1")
        assert httpx.get(f"{second.url}/books", headers=bearer(token), timeout=10).status_code == 200
