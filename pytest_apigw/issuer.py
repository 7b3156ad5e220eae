"""A loopback OpenID Connect issuer for JWT authorizers (the ``apigw_issuer`` fixture, and the
conformance suite's JWT case): discovery document, JWKS, and RS256 tokens signed with its key (or,
to be refused, with a stranger's key or an unknown ``kid``).

``with LoopbackIssuer() as issuer:`` serves ``{issuer.url}/.well-known/openid-configuration``
and ``{issuer.url}/jwks.json`` on 127.0.0.1; ``issuer.sign(claims, kid=..., stranger=...)``, or
``issuer.token(audience=..., scope=...)`` for a valid one.
Each issuer has a path of its own under the port, so no key cache mixes two issuers.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from functools import lru_cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

#: The ``kid`` the issuer's JWKS publishes.
KID = "contract-k1"


@lru_cache(maxsize=2)
def _key(which: str) -> rsa.RSAPrivateKey:
    """A 2048-bit RSA key per name, made once per process (key generation costs ~100 ms)."""
    del which
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def public_jwk(key: rsa.RSAPrivateKey, kid: str) -> dict[str, Any]:
    """The public JWK of ``key`` under ``kid``."""
    data: dict[str, Any] = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
    return {**data, "kid": kid, "use": "sig", "alg": "RS256"}


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        issuer: LoopbackIssuer = self.server.issuer  # type: ignore[attr-defined]
        path = self.path.removeprefix(issuer.prefix)
        if path == "/.well-known/openid-configuration":
            doc: dict[str, Any] = {"issuer": issuer.url, "jwks_uri": f"{issuer.url}/jwks.json"}
        elif path == "/jwks.json":
            doc = {"keys": [public_jwk(_key("issuer"), KID)]}
        else:
            doc = {"message": "not found"}
        body = json.dumps(doc).encode()
        self.send_response(200 if "message" not in doc else 404)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - quiet
        pass


class LoopbackIssuer:
    """An OIDC issuer on 127.0.0.1 (discovery and JWKS) that signs tokens."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self._server = ThreadingHTTPServer((host, 0), _Handler)
        self._server.daemon_threads = True
        self._server.issuer = self  # type: ignore[attr-defined]
        self.prefix = f"/issuer/{uuid.uuid4().hex[:8]}"
        port = self._server.socket.getsockname()[1]
        #: The ``iss`` of its tokens and the authorizer's ``jwt_issuer``.
        self.url = f"http://{host}:{port}{self.prefix}"
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,),
                                        name="apigw-issuer", daemon=True)

    def sign(self, claims: dict[str, Any], *, kid: str = KID, stranger: bool = False) -> str:
        """An RS256 token of ``claims`` with header ``kid``; ``stranger``: signed with a key the
        JWKS does not publish (the signature cannot verify)."""
        key = _key("stranger" if stranger else "issuer")
        return jwt.encode(claims, key, algorithm="RS256", headers={"kid": kid})

    def token(self, *, audience: str | list[str] | None = "test-client", scope: str | None = None,
              subject: str = "user-1", lifetime: int = 600, **claims: Any) -> str:
        """A valid token of this issuer: ``iss`` its URL, ``aud`` ``audience`` (``None``: left
        out; a Cognito access token names its client in ``client_id=`` instead), ``sub``,
        ``iat``, ``exp`` ``lifetime`` seconds on, ``scope`` when given, and ``claims`` on top."""
        now = int(time.time())
        body: dict[str, Any] = {"iss": self.url, "sub": subject, "iat": now, "exp": now + lifetime}
        if audience is not None:
            body["aud"] = audience
        if scope is not None:
            body["scope"] = scope
        return self.sign({**body, **claims})

    def start(self) -> LoopbackIssuer:
        """Serve in a daemon thread."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving, close the socket, join the thread."""
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> LoopbackIssuer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
