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
    v2: dict[str, Any] | None = None
    v1: dict[str, Any] | None = None
