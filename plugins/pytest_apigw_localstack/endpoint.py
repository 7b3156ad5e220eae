"""Which LocalStack-compatible endpoint to use, and whether it answers.

Order: ``--apigw-endpoint``, then ``$AWS_ENDPOINT_URL``, then ``$LOCALSTACK_HOST``
(``host[:port]``, LocalStack's own variable, port 4566 by default).
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any

from pytest_apigw.errors import BackendUnavailable

HEALTH_PATH = "/_localstack/health"
MINISTACK_HEALTH_PATH = "/_ministack/health"
DEFAULT_PORT = 4566

HOW_TO_START = (
    "start one, e.g. `GATEWAY_PORT=4566 BIND_HOST=127.0.0.1 python -m ministack` "
    "(pip install ministack) or `localstack start` (needs Docker and LOCALSTACK_AUTH_TOKEN), "
    "then pass --apigw-endpoint=http://127.0.0.1:4566"
)


@dataclass(frozen=True)
class Endpoint:
    """An endpoint URL and where it came from (``--apigw-endpoint``, an env var, a container)."""

    url: str
    source: str


def normalise(url: str) -> str:
    """``localhost:4566`` → ``http://localhost:4566``; no trailing slash."""
    url = url.strip()
    if "://" not in url:
        url = f"http://{url}"
    return url.rstrip("/")


def from_localstack_host(value: str) -> str:
    """``$LOCALSTACK_HOST`` is ``host[:port]``; the port defaults to 4566."""
    host = value.strip().split("://")[-1].rstrip("/")
    if ":" not in host:
        host = f"{host}:{DEFAULT_PORT}"
    return f"http://{host}"


def configured(option: str | None, environ: dict[str, str] | None = None) -> Endpoint | None:
    """The endpoint the user set, or ``None`` (then a container may be started)."""
    env = os.environ if environ is None else environ
    if option:
        return Endpoint(normalise(option), "--apigw-endpoint")
    if env.get("AWS_ENDPOINT_URL"):
        return Endpoint(normalise(env["AWS_ENDPOINT_URL"]), "$AWS_ENDPOINT_URL")
    if env.get("LOCALSTACK_HOST"):
        return Endpoint(from_localstack_host(env["LOCALSTACK_HOST"]), "$LOCALSTACK_HOST")
    return None


def health(url: str, timeout: float = 3.0) -> dict[str, Any]:
    """GET ``/_localstack/health``; :class:`BackendUnavailable` saying what was tried."""
    target = url + HEALTH_PATH
    try:
        with urllib.request.urlopen(target, timeout=timeout) as response:  # noqa: S310 - http(s) only
            body = response.read()
    except urllib.error.HTTPError as exc:
        raise BackendUnavailable(
            f"LocalStack endpoint {url} answered {exc.code} at {HEALTH_PATH}: is it a "
            f"LocalStack-compatible server? {HOW_TO_START}"
        ) from None
    except (OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        raise BackendUnavailable(
            f"no LocalStack-compatible server answers at {url} (tried GET {target}: {reason}); "
            f"{HOW_TO_START}"
        ) from None
    try:
        answer: dict[str, Any] = json.loads(body or b"{}")
        return answer
    except ValueError:
        return {}


def check(endpoint: Endpoint) -> dict[str, Any]:
    """Health-check ``endpoint``; the error names where the URL came from."""
    try:
        return health(endpoint.url)
    except BackendUnavailable as exc:
        raise BackendUnavailable(f"{exc} [endpoint from {endpoint.source}]") from None


def is_ministack(url: str, timeout: float = 2.0) -> bool:
    """True when the server is MiniStack (it answers ``/_ministack/health``)."""
    try:
        with urllib.request.urlopen(url + MINISTACK_HEALTH_PATH, timeout=timeout) as response:  # noqa: S310
            status: int = response.status
            return status == 200
    except (OSError, ValueError):
        return False
