"""Registers the ``localstack`` and ``aws`` backends through pytest-apigw's hooks."""

from __future__ import annotations

from typing import Any

import pytest


def _backend_class(name: str) -> Any:
    """The backend class, or a clear error when the ``localstack`` extra is not installed."""
    try:
        from pytest_apigw_localstack import backend
    except ImportError as exc:
        from pytest_apigw.errors import BackendUnavailable

        raise BackendUnavailable(
            f"the LocalStack and AWS backends need boto3 and localstack-client: "
            f"pip install 'pytest-apigw[localstack]' ({exc})"
        ) from exc
    return getattr(backend, name)


@pytest.hookimpl(optionalhook=True)  # quiet when pytest-apigw itself is disabled (-p no:apigw)
def pytest_apigw_register_backends(registry: Any) -> None:
    """Register ``localstack`` (any LocalStack-compatible endpoint) and ``aws`` (opt-in)."""

    def localstack(config: Any) -> Any:
        return _backend_class("LocalStackBackend")(config)

    def aws(config: Any) -> Any:
        return _backend_class("AwsBackend")(config)

    registry.register(
        "localstack", localstack,
        description="AWS API against a LocalStack-compatible endpoint (--apigw-endpoint)",
    )
    registry.register("aws", aws, description="AWS API against a real account (opt-in, tagged)")
