"""JWT authorization, the usual pattern: every route behind an ``HttpJwtAuthorizer`` (the API's
``default_authorizer``), a public health check opting out with ``HttpNoneAuthorizer``, a write
route that needs a scope, and a handler reading the caller from the token's claims.

The identity provider is a small OIDC issuer the fixture serves on 127.0.0.1 (discovery document
and JWKS), signing tokens with an RSA key made for the test. Run it: ``pytest examples/jwt_auth``.
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from pytest_apigw import (
    Function,
    HttpApi,
    HttpJwtAuthorizer,
    HttpMethod,
    HttpNoneAuthorizer,
    LambdaProxyIntegration,
    capabilities,
)

AUDIENCE = "books-client"


def books_handler(event, context):
    """The app: who is calling comes from the claims API Gateway verified."""
    claims = event["requestContext"]["authorizer"]["jwt"]["claims"]
    return {"caller": claims["sub"], "method": event["requestContext"]["http"]["method"]}


def health_handler(event, context):
    return {"ok": True}


def books_api(issuer_url: str) -> HttpApi:
    auth = HttpJwtAuthorizer("BooksAuthorizer", issuer_url, jwt_audience=[AUDIENCE])
    api = HttpApi("BooksApi", default_authorizer=auth)
    books = LambdaProxyIntegration(handler=Function("BooksFn", handler=books_handler))
    api.add_routes(path="/books", methods=[HttpMethod.GET], integration=books)
    api.add_routes(path="/books", methods=[HttpMethod.POST], integration=books,
                   authorization_scopes=["books/write"])
    api.add_routes(path="/health", methods=[HttpMethod.GET], authorizer=HttpNoneAuthorizer(),
                   integration=LambdaProxyIntegration(handler=Function("HealthFn", handler=health_handler)))
    return api


class Issuer:
    """``/.well-known/openid-configuration`` and ``/jwks.json`` on loopback; ``token()`` signs."""

    def __init__(self) -> None:
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        jwk = {**json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key())), "kid": "key-1"}
        documents: dict[str, bytes] = {}

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - http.server's naming
                body = documents.get(self.path)
                self.send_response(200 if body else 404)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(body or b"")))
                self.end_headers()
                self.wfile.write(body or b"")

            def log_message(self, *args):  # keep test output quiet
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        documents["/.well-known/openid-configuration"] = json.dumps(
            {"issuer": self.url, "jwks_uri": f"{self.url}/jwks.json"}).encode()
        documents["/jwks.json"] = json.dumps({"keys": [jwk]}).encode()
        threading.Thread(target=self.server.serve_forever, args=(0.01,), daemon=True).start()

    def token(self, sub: str = "alice", scope: str = "") -> str:
        now = int(time.time())
        claims = {"iss": self.url, "aud": AUDIENCE, "sub": sub, "scope": scope, "iat": now, "exp": now + 300}
        return jwt.encode(claims, self.key, algorithm="RS256", headers={"kid": "key-1"})

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def issuer(apigw_backend):
    if not apigw_backend.supports(capabilities.AUTHORIZERS):
        pytest.skip(f"the {apigw_backend.name} backend does not serve authorizers")
    server = Issuer()
    yield server
    server.close()


def test_only_callers_with_a_valid_token_get_in(apigw, issuer):
    url = apigw.deploy(books_api(issuer.url)).url
    assert httpx.get(f"{url}/books").status_code == 401
    response = httpx.get(f"{url}/books", headers={"Authorization": f"Bearer {issuer.token('alice')}"})
    assert response.json() == {"caller": "alice", "method": "GET"}


def test_writing_needs_the_scope(apigw, issuer):
    url = apigw.deploy(books_api(issuer.url)).url
    reader = {"Authorization": f"Bearer {issuer.token(scope='books/read')}"}
    writer = {"Authorization": f"Bearer {issuer.token(scope='books/read books/write')}"}
    assert httpx.post(f"{url}/books", headers=reader).status_code == 403
    assert httpx.post(f"{url}/books", headers=writer).status_code == 200


def test_health_check_is_public(apigw, issuer):
    url = apigw.deploy(books_api(issuer.url)).url
    assert httpx.get(f"{url}/health").json() == {"ok": True}
