"""JWT authorizers (``http-api-jwt-authorizer.md``, "Authorizing API requests"): what the
gateway answers for a token, and what the integration sees when it lets the request through.

The page's workflow: take the token from the identity source ("only the token, or the token
prefixed with ``Bearer``"); decode it; check the signature with the issuer's ``jwks_uri`` key
named by ``kid``; then ``iss`` must match the issuer, ``aud`` one of the audiences (or, with no
``aud``, ``client_id``: the ``JwtConfiguration`` API reference), ``exp`` "must be after the
current time", ``nbf`` "before the current time"; "if any of these steps fail, API Gateway
denies the API request": 401 ``{"message":"Unauthorized"}``. ``http-api-troubleshooting-jwt.md``
records the 401 of a token for another audience with its header ``www-authenticate: Bearer
scope="" error="invalid_token" error_description="the token does not have a valid audience"``
("the JWT's ``aud`` or ``client_id`` claim must match one of the audience entries"): the
model predicts that header when the audience is the token's only fault (with several, which one
AWS names is not documented). Scopes: "the token must include at least one of the route's
scopes" (``scope`` or ``scp``), else 403 ``{"message":"Forbidden"}``.

What the integration gets, recorded on AWS (aws-lambda-go
``events/testdata/apigw-v2-request-jwt-authorizer.json``): ``requestContext.authorizer.jwt``
``{"claims": {...}, "scopes": [...]}``, every claim value a string; the 1.0 payload's example
(``http-api-develop-integrations-lambda.md``) puts ``claims`` and ``scopes`` directly under
``requestContext.authorizer``.

Undocumented choices, named here: ``exp`` left out is refused (the claim "must be after the
current time": an absent one is not); a number claim is its decimal text and a list claim
``"[a b]"`` (as AWS hands Cognito's ``cognito:groups`` to integrations in public reports);
``scopes`` is compared only on routes that require scopes (what AWS sends otherwise is not
documented), in the token's order.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pytest_apigw.contract.model.expect import UNSPECIFIED
from pytest_apigw.contract.model.lambda_response import ExpectedResponse, gateway_error
from pytest_apigw.contract.model.verdict import Verdict

UNAUTHORIZED = gateway_error(401, "Unauthorized")
#: The recorded 401 of a token for another audience (``http-api-troubleshooting-jwt.md``).
_CHALLENGE = ('Bearer scope="" error="invalid_token" '
              'error_description="the token does not have a valid audience"')
BAD_AUDIENCE = ExpectedResponse(401, {**UNAUTHORIZED.headers, "www-authenticate": _CHALLENGE},
                                body=UNAUTHORIZED.body)
FORBIDDEN = gateway_error(403, "Forbidden")


@dataclass(frozen=True)
class Presented:
    """What the request presents: the claims as signed, and the facts about the token the
    claims do not show."""

    claims: dict[str, Any] | None  #: ``None``: no token in the identity source
    is_jwt: bool = True
    kid_known: bool = True
    signed_by_issuer: bool = True


def claim_text(value: Any) -> str:
    """A claim as integrations see it: text as is, numbers in decimal, lists ``"[a b]"``."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + " ".join(claim_text(v) for v in value) + "]"
    return str(value)


def token_scopes(claims: dict[str, Any]) -> list[str]:
    """``scope`` (space-separated) or ``scp`` (a list)."""
    raw = claims.get("scope", claims.get("scp"))
    if isinstance(raw, str):
        return raw.split()
    return [str(s) for s in raw] if isinstance(raw, list) else []


#: The rule of a refusal for want of ``exp`` (a backend's declared gap may accept such tokens).
NO_EXP = "no exp (it must be after the current time)"
WRONG_AUDIENCE = "the token is for none of the audiences"


def _refused(rule: str, answer: ExpectedResponse = UNAUTHORIZED) -> Verdict:
    return Verdict(answer, rule)


def jwt_verdict(*, issuer: str, audiences: tuple[str, ...], route_scopes: tuple[str, ...],
                presented: Presented, now: float) -> Verdict:
    """The gateway's answer to ``presented`` on a route requiring ``route_scopes``."""
    claims = presented.claims
    if claims is None:
        return _refused("no token in the identity source")
    if not presented.is_jwt:
        return _refused("the token is not a JWT")
    if not presented.kid_known:
        return _refused("no key of the issuer has the token's kid")
    if not presented.signed_by_issuer:
        return _refused("the signature does not verify with the issuer's key")
    failed = []  # the claim checks, in the page's order (which one AWS reports first: undocumented)
    if claims.get("iss") != issuer:
        failed.append("iss is not the authorizer's issuer")
    aud = claims.get("aud")
    given = [aud] if isinstance(aud, str) else list(aud) if isinstance(aud, list) else []
    if aud is None and claims.get("client_id") not in audiences:
        failed.append(WRONG_AUDIENCE + " (no aud, and client_id is none of them)")
    elif aud is not None and not set(given) & set(audiences):
        failed.append(WRONG_AUDIENCE)
    if "exp" not in claims:
        failed.append(NO_EXP)
    elif claims["exp"] <= now:
        failed.append("exp is past")
    if "nbf" in claims and claims["nbf"] > now:
        failed.append("nbf is in the future")
    if failed:
        only_audience = len(failed) == 1 and failed[0].startswith(WRONG_AUDIENCE)
        return _refused("; ".join(failed), BAD_AUDIENCE if only_audience else UNAUTHORIZED)
    scopes = token_scopes(claims)
    if route_scopes and not set(route_scopes) & set(scopes):
        return Verdict(FORBIDDEN, "the token has none of the route's scopes")
    text = {name: claim_text(value) for name, value in claims.items()}
    shown: Any = scopes if route_scopes else UNSPECIFIED
    return Verdict(None, "valid token" + (", a route scope matches" if route_scopes else ""),
                      authorizer_v2={"jwt": {"claims": text, "scopes": shown}},
                      authorizer_v1={"claims": text, "scopes": shown})
