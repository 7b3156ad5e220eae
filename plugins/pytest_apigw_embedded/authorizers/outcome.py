"""What an authorizer decided: allowed (with what integrations see) or the gateway's answer."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass
class Outcome:
    """``status`` ``None`` means allowed; otherwise 401, 403 or 500 and the reason for the report.

    ``v2``/``v1`` are ``requestContext.authorizer`` for payload 2.0 and 1.0 integrations.
    """

    status: int | None
    reason: str | None = None
    v2: Any = None
    v1: Any = None
    #: For a refused bearer token: the ``error_description`` of the ``www-authenticate``
    #: header AWS adds to the 401 (``http-api-troubleshooting-jwt.md``).
    challenge: str | None = None

    def headers(self) -> list[tuple[str, str]]:
        """The answer's extra headers: ``www-authenticate`` for a refused bearer token, as the
        curl transcript of ``http-api-troubleshooting-jwt.md`` shows it."""
        if self.challenge is None:
            return []
        text = self.challenge.replace("\\", "\\\\").replace('"', '\\"')
        return [("www-authenticate", f'Bearer scope="" error="invalid_token" error_description="{text}"')]
