"""Strategies for route authorizers: JWT token plans (valid and invalid ``iss``/``aud``/``exp``/
``nbf``/scopes, bad signatures, unknown ``kid``), JWT authorizer setups, Lambda authorizer
setups (payload version, simple or IAM answers, identity sources, cache TTL) and the requests
that exercise them. They draw plain data; the conformance cases turn it into specs and tokens.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from hypothesis import strategies as st

#: Audiences a generated authorizer may accept; tokens may also carry :data:`STRANGER_AUDIENCE`.
AUDIENCES = ("books-api", "mobile", "web")
STRANGER_AUDIENCE = "someone-else"
#: Scopes routes may require and tokens may carry.
SCOPES = ("read", "write", "admin", "other")
#: Where a JWT authorizer may take its token from.
JWT_SOURCES = ("$request.header.Authorization", "$request.header.x-token", "$request.querystring.token")
#: Seconds a valid ``exp`` lies ahead, an expired one behind, a future ``nbf`` ahead: far from
#: any clock skew a gateway may allow.
MARGIN = 600


@dataclass(frozen=True)
class TokenPlan:
    """What one request presents to a JWT authorizer.

    ``sent``: the identity source carries a token at all; ``form``: ``jwt`` or ``garbage`` (not
    a JWT); ``kid_known``/``signed_by_issuer``: the key the token names, and whether the
    issuer's key signed it; ``iss_ok``; ``aud``/``aud_as_list``/``client_id``: audience claims
    (``None``: left out); ``exp``/``nbf``: seconds from now (``None``: left out);
    ``scope_claim``: ``scope`` (space-separated), ``scp`` (a list) or ``None``; ``extra``:
    further claims (numbers and text).
    """

    sent: bool = True
    bearer: bool = True
    form: str = "jwt"
    kid_known: bool = True
    signed_by_issuer: bool = True
    iss_ok: bool = True
    aud: tuple[str, ...] | None = ("books-api",)
    aud_as_list: bool = False
    client_id: str | None = None
    exp: int | None = MARGIN
    nbf: int | None = None
    scope_claim: str | None = None
    scopes: tuple[str, ...] = ()
    extra: tuple[tuple[str, Any], ...] = field(default=())

    def claims(self, issuer: str, now: int | None = None) -> dict[str, Any]:
        """The token's claims for ``issuer`` at ``now`` (seconds since the epoch)."""
        now = int(time.time()) if now is None else now
        claims: dict[str, Any] = {"iss": issuer if self.iss_ok else issuer + "/other", "sub": "user-1",
                                  "iat": now - 5}
        if self.aud is not None:
            claims["aud"] = list(self.aud) if self.aud_as_list or len(self.aud) > 1 else self.aud[0]
        if self.client_id is not None:
            claims["client_id"] = self.client_id
        if self.exp is not None:
            claims["exp"] = now + self.exp
        if self.nbf is not None:
            claims["nbf"] = now + self.nbf
        if self.scope_claim == "scope":
            claims["scope"] = " ".join(self.scopes)
        elif self.scope_claim == "scp":
            claims["scp"] = list(self.scopes)
        claims.update(dict(self.extra))
        return claims


_extra = st.lists(st.tuples(st.sampled_from(["n", "name", "tier"]),
                            st.one_of(st.integers(0, 10**6), st.text("abcxyz- ", min_size=1, max_size=8))),
                  max_size=2, unique_by=lambda kv: kv[0])


#: What may be wrong with a token (a generated token has none, one or two of these).
FAULTS = ("not_sent", "garbage", "unknown_kid", "stranger_key", "other_issuer", "other_audience",
          "wrong_client_id", "expired", "no_exp", "not_yet_valid")


@st.composite
def token_plans(draw: st.DrawFn, audiences: tuple[str, ...] = AUDIENCES) -> TokenPlan:
    """Tokens for an authorizer accepting ``audiences``: about half valid (``aud`` a string or a
    list holding an accepted audience, or ``client_id`` instead; ``nbf`` past or left out;
    scopes as ``scope`` or ``scp``, or none), the others with one or two :data:`FAULTS`."""
    faults = set(draw(st.one_of(st.just([]), st.lists(st.sampled_from(FAULTS), min_size=1, max_size=2,
                                                        unique=True)), label="faults"))
    accepted = st.sampled_from(audiences)
    aud: tuple[str, ...] | None
    client_id = None
    if "other_audience" in faults:
        aud = (STRANGER_AUDIENCE,)
    elif "wrong_client_id" in faults:
        aud, client_id = None, STRANGER_AUDIENCE
    elif draw(st.integers(0, 3)) == 0:
        aud, client_id = None, draw(accepted)
    else:
        aud = (draw(accepted),) + ((STRANGER_AUDIENCE,) if draw(st.booleans()) else ())
    scopes = tuple(draw(st.lists(st.sampled_from(SCOPES), max_size=3, unique=True)))
    exp = -MARGIN if "expired" in faults else None if "no_exp" in faults else MARGIN
    nbf = MARGIN if "not_yet_valid" in faults else draw(st.sampled_from([None, -60]))
    return TokenPlan(
        sent="not_sent" not in faults, bearer=draw(st.booleans()),
        form="garbage" if "garbage" in faults else "jwt", kid_known="unknown_kid" not in faults,
        signed_by_issuer="stranger_key" not in faults, iss_ok="other_issuer" not in faults,
        aud=aud, aud_as_list=draw(st.booleans()), client_id=client_id, exp=exp, nbf=nbf,
        scope_claim=draw(st.sampled_from(["scope", "scp"])) if scopes else None,
        scopes=scopes, extra=tuple(draw(_extra)),
    )


@dataclass(frozen=True)
class JwtSetup:
    """A JWT authorizer (audiences, identity source) and the scopes of each route (``None``:
    the route opts out of the API's default authorizer)."""

    audiences: tuple[str, ...]
    identity_source: str
    route_scopes: dict[str, tuple[str, ...] | None]


#: The routes of the JWT and Lambda authorizer cases (literal paths: the route ARN a policy
#: names is the request's own path).
AUTH_ROUTES = ("GET /books", "POST /books", "GET /admin")


@st.composite
def jwt_setups(draw: st.DrawFn) -> JwtSetup:
    """An authorizer accepting 1-3 audiences from one identity source, routes requiring 0-2
    scopes, one route sometimes public (``HttpNoneAuthorizer``)."""
    audiences = tuple(draw(st.lists(st.sampled_from(AUDIENCES), min_size=1, max_size=3, unique=True)))
    scopes = st.lists(st.sampled_from(SCOPES[:3]), max_size=2, unique=True).map(tuple)
    public = draw(st.sampled_from([None, *AUTH_ROUTES]))
    routes: dict[str, tuple[str, ...] | None] = {
        key: None if key == public else draw(scopes) for key in AUTH_ROUTES}
    return JwtSetup(audiences, draw(st.sampled_from(JWT_SOURCES)), routes)


@dataclass(frozen=True)
class LambdaSetup:
    """A Lambda authorizer: payload version, ``simple`` (``isAuthorized``) or IAM answers,
    identity sources, result cache TTL (seconds) and which routes use it."""

    payload_format_version: str
    simple: bool
    identity_source: tuple[str, ...]
    ttl: int
    authorized_routes: tuple[str, ...]


#: Identity sources a generated Lambda authorizer may use (the stage always has ``tier``).
LAMBDA_SOURCES = ("$request.header.x-id", "$request.querystring.id", "$context.routeKey",
                  "$stageVariables.tier")
#: What the probe authorizer is asked to answer (request header ``x-decide``): allow, allow
#: only this route (IAM: the request's own route ARN), deny, fail (raise), answer nonsense.
DECISIONS = ("allow", "route", "deny", "boom", "junk")


@st.composite
def lambda_setups(draw: st.DrawFn) -> LambdaSetup:
    """Payload 1.0 (IAM answers) or 2.0 (simple or IAM), 0-3 identity sources (caching, TTL
    300 s, only with at least one), two or three routes behind the authorizer."""
    version = draw(st.sampled_from(["2.0", "2.0", "1.0"]))
    simple = version == "2.0" and draw(st.booleans())
    sources = tuple(draw(st.lists(st.sampled_from(LAMBDA_SOURCES), max_size=3, unique=True)))
    ttl = draw(st.sampled_from([0, 300])) if sources else 0
    routes = tuple(draw(st.lists(st.sampled_from(AUTH_ROUTES), min_size=2, max_size=3, unique=True)))
    return LambdaSetup(version, simple, sources, ttl, routes)


@dataclass(frozen=True)
class AuthRequest:
    """One request of the Lambda authorizer case: route key, identity values sent (``None``:
    left out) and the decision the probe is asked for."""

    route_key: str
    x_id: str | None
    query_id: str | None
    decide: str


def auth_requests() -> st.SearchStrategy[AuthRequest]:
    """Requests with few distinct identity values, so cached results are met again."""
    return st.builds(AuthRequest, st.sampled_from(AUTH_ROUTES),
                     st.sampled_from([None, "alice", "bob"]), st.sampled_from([None, "1", "2"]),
                     st.sampled_from(DECISIONS))
