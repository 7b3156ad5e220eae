"""Error types of pytest-apigw: every message names what is wrong and how to fix it."""

from __future__ import annotations


class ApigwError(Exception):
    """Base class of every error raised by pytest-apigw."""


class SpecError(ApigwError, ValueError):
    """A spec that AWS would reject (or that cannot be built at all).

    The message names the construct id, the offending value and the rule, e.g.
    ``HttpApi 'books': route path 'books' must start with '/'``.
    """

    def __init__(self, construct: str, message: str) -> None:
        self.construct = construct
        self.reason = message
        super().__init__(f"{construct}: {message}")


class DeployError(ApigwError):
    """A backend could not deploy a spec (its reason is in the message)."""


class BackendUnavailable(ApigwError):
    """The selected backend cannot be reached or started (message says what was tried)."""


class NotServedWarning(UserWarning):
    """A template's route that AWS would deploy but no backend here serves (an AWS service
    integration such as ``SQS-SendMessage``, a WebSocket ``AWS`` or ``MOCK`` integration): it is
    left out of the API (requests to it get 404), the rest of the API is served."""
