"""Signing keys of JWT issuers: OIDC discovery → ``jwks_uri`` → keys by ``kid``, cached per
backend and fetched again when a token names a ``kid`` the cache does not know (key rotation)."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

import httpx
import jwt

if TYPE_CHECKING:
    from pytest_apigw_embedded.services import Services

#: Seconds allowed for each discovery or JWKS request.
FETCH_TIMEOUT = 5.0


class KeyFetchError(Exception):
    """The issuer's discovery document or key set could not be fetched or read."""


class JwksCache:
    """Keys per issuer. Shared through ``services.shared(JwksCache)`` (closed with the backend)."""

    def __init__(self) -> None:
        self._client: httpx.AsyncClient | None = None
        self._keys: dict[str, dict[str, Any]] = {}
        self._locks: dict[str, asyncio.Lock] = {}
        #: How many times each issuer's key set was fetched (tests and reports read it).
        self.fetches: dict[str, int] = {}

    async def key(self, issuer: str, kid: str) -> Any:
        """The ``PyJWK`` for ``kid``, or ``None`` when the issuer has no such key."""
        known = self._keys.get(issuer)
        if known is not None and kid in known:
            return known[kid]
        lock = self._locks.setdefault(issuer, asyncio.Lock())
        async with lock:
            again = self._keys.get(issuer)
            if again is not None and again is not known and kid in again:
                return again[kid]  # another request refreshed the keys meanwhile
            self._keys[issuer] = await self._fetch(issuer)
        return self._keys[issuer].get(kid)

    async def _fetch(self, issuer: str) -> dict[str, Any]:
        if self._client is None:
            self._client = httpx.AsyncClient(timeout=FETCH_TIMEOUT, trust_env=False)
        discovery = issuer.rstrip("/") + "/.well-known/openid-configuration"
        self.fetches[issuer] = self.fetches.get(issuer, 0) + 1
        try:
            config = (await self._client.get(discovery)).raise_for_status().json()
            jwks_uri = config["jwks_uri"]
            document = (await self._client.get(jwks_uri)).raise_for_status().json()
            keys = document["keys"]
        except (httpx.HTTPError, ValueError, KeyError, TypeError) as exc:
            raise KeyFetchError(f"could not fetch the signing keys of {issuer!r}: {exc!r}") from exc
        found: dict[str, Any] = {}
        for data in keys:
            if not isinstance(data, dict) or data.get("kty") != "RSA" or "kid" not in data:
                continue  # only RSA keys are supported, as on AWS
            try:
                found[data["kid"]] = jwt.PyJWK(data)
            except jwt.PyJWTError:
                continue
        return found

    async def aclose(self) -> None:
        """Close the HTTP client."""
        if self._client is not None:
            await self._client.aclose()
            self._client = None


def jwks_cache(services: Services) -> JwksCache:
    """The backend's shared :class:`JwksCache`."""
    return services.shared(JwksCache)
