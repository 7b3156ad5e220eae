"""Registers the ``localstack`` and ``aws`` backends through pytest-apigw's hooks."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.hookimpl
def pytest_apigw_register_backends(registry: Any) -> None:
    """Register ``localstack`` (any LocalStack-compatible endpoint) and ``aws`` (opt-in)."""

    def localstack(config: Any) -> Any:
        from pytest_apigw_localstack.backend import LocalStackBackend

        return LocalStackBackend(config)

    def aws(config: Any) -> Any:
        from pytest_apigw_localstack.backend import AwsBackend

        return AwsBackend(config)

    registry.register(
        "localstack", localstack,
        description="AWS API against a LocalStack-compatible endpoint (--apigw-endpoint)",
    )
    registry.register("aws", aws, description="AWS API against a real account (opt-in, tagged)")
