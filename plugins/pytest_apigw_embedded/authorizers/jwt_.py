"""JWT authorizers (``http-api-jwt-authorizer.md``): token from the identity source, RSA
signature by the issuer's ``kid``, then ``iss``, ``aud``/``client_id``, ``exp``, ``nbf``, ``iat``
and the route's scopes. Invalid: 401 ``Unauthorized``; no matching scope: 403 ``Forbidden``."""

from __future__ import annotations

import json
import time
from typing import Any

import jwt

from pytest_apigw_embedded.authorizers.identity import evaluate
from pytest_apigw_embedded.authorizers.jwks import KeyFetchError, jwks_cache
from pytest_apigw_embedded.authorizers.outcome import Outcome

#: "Currently, only RSA-based algorithms are supported."
RSA_ALGORITHMS = ("RS256", "RS384", "RS512")


def claim_text(value: Any) -> str:
    """A claim as AWS hands it to integrations: every value a string (``"1700000000"``,
    ``"true"``, lists as ``"[a b]"``)."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + " ".join(claim_text(v) for v in value) + "]"
    if isinstance(value, dict):
        return json.dumps(value, separators=(",", ":"))
    return str(value)


def token_scopes(claims: dict[str, Any]) -> list[str]:
    """Scopes from ``scope`` (space-separated) or ``scp`` (a list or a string)."""
    raw = claims.get("scope", claims.get("scp"))
    if isinstance(raw, str):
        return raw.split()
    if isinstance(raw, list):
        return [str(s) for s in raw]
    return []


#: AWS's ``error_description`` for a token of another audience: the curl transcript of
#: ``http-api-troubleshooting-jwt.md``.
BAD_AUDIENCE = "the token does not have a valid audience"
#: AWS's ``error_description`` for an expired token (the same header's wording as users report
#: it; the other refusals carry the emulator's reason, there is no recording of them).
EXPIRED = "the token has expired"


def build_jwt(spec: Any, services: Any) -> Any:
    """An ``authorize(request, ctx, route) -> Outcome`` coroutine for ``spec``."""
    keys = jwks_cache(services)
    source = spec.identity_source[0]
    audience = set(spec.jwt_audience)

    def unauthorized(reason: str, description: str | None = None) -> Outcome:
        """401; ``description`` for ``www-authenticate`` (AWS's own words where recorded,
        else ``reason``)."""
        return Outcome(401, f"JWT authorizer {spec.authorizer_name!r}: {reason}",
                       challenge=description or reason)

    async def authorize(request: Any, ctx: Any, route: Any) -> Outcome:
        token = evaluate(source, request, ctx)
        if token is None:
            return unauthorized(f"no token in {source}")
        if token[:7].lower() == "bearer ":
            token = token[7:].strip()
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as exc:
            return unauthorized(f"the token is not a JWT ({exc})")
        alg, kid = header.get("alg"), header.get("kid")
        if alg not in RSA_ALGORITHMS:
            return unauthorized(f"alg {alg!r} is not supported (RSA only: {', '.join(RSA_ALGORITHMS)})")
        if not kid:
            return unauthorized("the token header has no kid")
        try:
            key = await keys.key(spec.jwt_issuer, kid)
        except KeyFetchError as exc:
            return unauthorized(str(exc))
        if key is None:
            return unauthorized(f"kid {kid!r} is not among the keys of {spec.jwt_issuer!r}")
        try:
            claims = jwt.decode(
                token, key.key, algorithms=[alg], issuer=spec.jwt_issuer,
                options={"verify_aud": False, "require": ["exp", "iss"]},
            )
        except jwt.ExpiredSignatureError as exc:
            return unauthorized(f"invalid token: {type(exc).__name__}: {exc}", EXPIRED)
        except jwt.PyJWTError as exc:
            return unauthorized(f"invalid token: {type(exc).__name__}: {exc}")
        iat = claims.get("iat")
        if isinstance(iat, int | float) and iat > time.time():
            return unauthorized("iat is in the future")
        aud = claims.get("aud")
        if aud is not None:
            given = [aud] if isinstance(aud, str) else aud if isinstance(aud, list) else []
            if not audience.intersection(given):
                return unauthorized(f"aud {aud!r} matches none of {sorted(audience)}", BAD_AUDIENCE)
        elif claims.get("client_id") not in audience:
            client_id = claims.get("client_id")
            return unauthorized(
                f"no aud, and client_id {client_id!r} matches none of {sorted(audience)}", BAD_AUDIENCE
            )
        scopes = token_scopes(claims)
        wanted = route.authorization_scopes
        if wanted and not set(wanted).intersection(scopes):
            return Outcome(403, f"JWT authorizer {spec.authorizer_name!r}: the token's scopes {scopes} "
                                f"include none of the route's {list(wanted)}")
        text = {name: claim_text(value) for name, value in claims.items()}
        shown_scopes = scopes if wanted else None
        return Outcome(
            None, None,
            v2={"jwt": {"claims": text, "scopes": shown_scopes}},
            v1={"claims": text, "scopes": shown_scopes},
        )

    return authorize
