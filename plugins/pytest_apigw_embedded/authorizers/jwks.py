"""Signing keys of JWT issuers: OIDC discovery → ``jwks_uri`` → keys by ``kid``, cached per
authorizer of a deployment (as each API's authorizer caches on AWS, and so one test's issuer
never hands its keys to the next test's, even on a reused port) and fetched again when a token
names a ``kid`` the cache does not know (key rotation). The HTTP client is the backend's.

Bounded as on AWS (``http-api-quotas``): each discovery or JWKS request gets 1,500 ms in all,
a JWKS (or discovery document) over 150,000 bytes is refused, one fetch per issuer is in flight
at a time, and unknown kids trigger at most one refetch per :data:`UNKNOWN_KID_REFETCH_INTERVAL`
(so a flood of tokens with made-up kids costs the issuer one request, not one each).
"""

from __future__ import annotations

import asyncio
import json
import time
from typing import TYPE_CHECKING, Any

import httpx
import jwt

if TYPE_CHECKING:
    from pytest_apigw_embedded.services import Services

#: "Timeout for OpenID Connect discovery endpoint: 1500 ms" and "Timeout for JSON Web Key Set
#: endpoint: 1500 ms" (HTTP API quotas): the whole request, connect to last byte.
FETCH_TIMEOUT = 1.5
#: "Response size from JSON Web Key Set endpoint: 150000 bytes" (HTTP API quotas).
MAX_DOCUMENT_BYTES = 150_000
#: Seconds between refetches caused by unknown kids. AWS documents no value (our choice, one
#: line to change); the first unknown kid after a fetch refetches at once (key rotation).
UNKNOWN_KID_REFETCH_INTERVAL = 10.0
#: Seconds a failed fetch is remembered: requests meanwhile fail at once with the same reason
#: instead of each waiting for its own 1,500 ms attempt.
FAILED_FETCH_MEMORY = 1.0
#: Issuers whose keys are kept (the least recently fetched go first): a long session of tests,
#: each with its own issuer, stays flat.
MAX_ISSUERS = 256


class KeyFetchError(Exception):
    """The issuer's discovery document or key set could not be fetched or read."""


class JwksHttp:
    """The backend's HTTP client for discovery and JWKS requests (``services.shared(JwksHttp)``)."""

    def __init__(self) -> None:
        self.client: httpx.AsyncClient | None = None

    def get(self) -> httpx.AsyncClient:
        """The client, made on first use."""
        if self.client is None:
            self.client = httpx.AsyncClient(timeout=FETCH_TIMEOUT, trust_env=False)
        return self.client

    async def aclose(self) -> None:
        """Close the HTTP client."""
        if self.client is not None:
            await self.client.aclose()
            self.client = None


class JwksCache:
    """Keys per issuer, for one authorizer of one deployment."""

    def __init__(self, http: JwksHttp | None = None) -> None:
        self._http = http or JwksHttp()
        self._keys: dict[str, dict[str, Any]] = {}
        self._locks: dict[str, asyncio.Lock] = {}
        self._refetched_at: dict[str, float] = {}
        self._failed: dict[str, tuple[float, KeyFetchError]] = {}
        #: How many times each issuer's key set was fetched (tests and reports read it).
        self.fetches: dict[str, int] = {}

    async def key(self, issuer: str, kid: str) -> Any:
        """The ``PyJWK`` for ``kid``, or ``None`` when the issuer has no such key."""
        known = self._keys.get(issuer)
        if known is not None and kid in known:
            return known[kid]
        lock = self._locks.setdefault(issuer, asyncio.Lock())
        async with lock:  # one fetch per issuer in flight; the others wait for its keys
            again = self._keys.get(issuer)
            if again is not None:
                if kid in again:
                    return again[kid]  # another request refreshed the keys meanwhile
                now = time.monotonic()
                last = self._refetched_at.get(issuer)
                if last is not None and now - last < UNKNOWN_KID_REFETCH_INTERVAL:
                    return None  # refetched for an unknown kid a moment ago: still unknown
                self._refetched_at[issuer] = now
            failed = self._failed.get(issuer)
            if failed is not None and time.monotonic() - failed[0] < FAILED_FETCH_MEMORY:
                raise KeyFetchError(str(failed[1]))
            try:
                keys = await self._fetch(issuer)
            except KeyFetchError as exc:
                self._failed[issuer] = (time.monotonic(), exc)
                self._forget_beyond_limit()
                raise
            self._failed.pop(issuer, None)
            self._keys.pop(issuer, None)
            self._keys[issuer] = keys  # the most recently fetched last
            self._forget_beyond_limit()
        return keys.get(kid)

    def _forget_beyond_limit(self) -> None:
        """Keep at most :data:`MAX_ISSUERS` issuers in every table (the oldest go first)."""
        for table in (self._keys, self._failed, self._locks, self._refetched_at, self.fetches):
            while len(table) > MAX_ISSUERS:
                oldest = next(iter(table))
                lock = self._locks.get(oldest)
                if table is self._locks and lock is not None and lock.locked():
                    break  # a fetch is in flight for it: keep its lock
                table.pop(oldest)

    async def _get_json(self, url: str) -> Any:
        async with self._http.get().stream("GET", url) as response:
            response.raise_for_status()
            data = bytearray()
            async for chunk in response.aiter_bytes():
                data += chunk
                if len(data) > MAX_DOCUMENT_BYTES:
                    raise ValueError(f"{url} answered more than {MAX_DOCUMENT_BYTES} bytes (AWS's limit)")
        return json.loads(bytes(data))

    async def _timed_json(self, url: str) -> Any:
        try:
            return await asyncio.wait_for(self._get_json(url), FETCH_TIMEOUT)
        except TimeoutError:
            raise KeyFetchError(f"{url} did not answer within {FETCH_TIMEOUT * 1000:.0f} ms "
                                "(AWS's limit)") from None

    async def _fetch(self, issuer: str) -> dict[str, Any]:
        discovery = issuer.rstrip("/") + "/.well-known/openid-configuration"
        self.fetches[issuer] = self.fetches.get(issuer, 0) + 1
        try:
            config = await self._timed_json(discovery)
            document = await self._timed_json(config["jwks_uri"])
            keys = document["keys"]
        except KeyFetchError as exc:
            raise KeyFetchError(f"could not fetch the signing keys of {issuer!r}: {exc}") from exc
        except httpx.ConnectError as exc:  # not reachable from here: serve it from the test
            raise KeyFetchError(
                f"could not fetch the signing keys of {issuer!r}: {exc!r}; serve the issuer from the "
                "test (a loopback OIDC issuer, as examples/jwt_auth/ does) and point the authorizer at "
                "it: HttpJwtAuthorizer(jwt_issuer=...), or load_template(..., upstreams={issuer or "
                "prefix: issuer_url})") from exc
        except (httpx.HTTPError, ValueError, KeyError, TypeError) as exc:
            raise KeyFetchError(f"could not fetch the signing keys of {issuer!r}: {exc!r}") from exc
        found: dict[str, Any] = {}
        for data in keys if isinstance(keys, list) else []:
            if not isinstance(data, dict) or data.get("kty") != "RSA" or "kid" not in data:
                continue  # only RSA keys are supported, as on AWS
            try:
                found[data["kid"]] = jwt.PyJWK(data)
            except jwt.PyJWTError:
                continue
        return found



def jwks_cache(services: Services) -> JwksCache:
    """A new :class:`JwksCache` (one per authorizer build, so per deployment) over the
    backend's shared HTTP client."""
    return JwksCache(services.shared(JwksHttp))
