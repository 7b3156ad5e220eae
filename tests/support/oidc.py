"""An OIDC issuer on loopback for JWT authorizer tests: discovery, JWKS, signed tokens."""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

AUDIENCE = "books-api"


def new_key() -> rsa.RSAPrivateKey:
    """A fresh 2048-bit RSA key."""
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


KEY = new_key()
OTHER_KEY = new_key()


class Issuer:
    """``/.well-known/openid-configuration`` and ``/jwks.json`` under a path of its own (so no
    key cache mixes issuers that reuse a port); ``keys`` can change (key rotation); ``hits``
    counts requests per path."""

    def __init__(self) -> None:
        self.keys: dict[str, rsa.RSAPrivateKey] = {"k1": KEY}
        self.hits: dict[str, int] = {}
        #: Seconds the JWKS answer waits, and junk characters added to it (limit tests).
        self.jwks_delay = 0.0
        self.jwks_padding = 0
        issuer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                path = self.path.removeprefix(issuer.prefix)
                issuer.hits[path] = issuer.hits.get(path, 0) + 1
                if path == "/.well-known/openid-configuration":
                    doc = {"issuer": issuer.url, "jwks_uri": f"{issuer.url}/jwks.json"}
                elif path == "/jwks.json":
                    doc = {"keys": [issuer.jwk(kid, key) for kid, key in issuer.keys.items()]}
                    if issuer.jwks_padding:
                        doc["padding"] = "x" * issuer.jwks_padding
                    time.sleep(issuer.jwks_delay)
                else:
                    self.send_error(404)
                    return
                body = json.dumps(doc).encode()
                try:
                    self.send_response(200)
                    self.send_header("content-type", "application/json")
                    self.send_header("content-length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the gateway gave up first (a limit test): expected

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.prefix = f"/realms/{uuid.uuid4().hex[:8]}"
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}{self.prefix}"
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.01,), daemon=True)
        self.thread.start()

    @staticmethod
    def jwk(kid: str, key: rsa.RSAPrivateKey) -> dict:
        """The public JWK of ``key``."""
        data = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
        return {**data, "kid": kid, "use": "sig", "alg": "RS256"}

    def token(self, *, kid: str = "k1", key: rsa.RSAPrivateKey | None = None, alg: str = "RS256",
              **claims: object) -> str:
        """A token for this issuer and :data:`AUDIENCE`, valid for 10 minutes; a claim given
        as ``None`` is left out."""
        now = int(time.time())
        body = {"iss": self.url, "aud": AUDIENCE, "sub": "user-1", "iat": now, "exp": now + 600, **claims}
        body = {k: v for k, v in body.items() if v is not None}
        signing = key or self.keys.get(kid, KEY)
        return jwt.encode(body, signing, algorithm=alg, headers={"kid": kid})

    def stop(self) -> None:
        """Shut the server down and join its thread."""
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


@pytest.fixture
def issuer() -> Iterator[Issuer]:
    """A live :class:`Issuer`, stopped at teardown."""
    server = Issuer()
    yield server
    server.stop()
