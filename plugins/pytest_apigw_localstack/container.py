"""A LocalStack container through testcontainers, when no endpoint is set and Docker answers."""

from __future__ import annotations

import os
from typing import Any

from pytest_apigw.errors import BackendUnavailable
from pytest_apigw_localstack.endpoint import HOW_TO_START

IMAGE = os.environ.get("PYTEST_APIGW_LOCALSTACK_IMAGE", "localstack/localstack:latest")
SERVICES = "apigateway,lambda,iam,sts,ec2,elbv2,servicediscovery"


def docker_available() -> tuple[bool, str]:
    """Whether a Docker engine answers, and if not, why (one line, no traceback)."""
    try:
        import docker
    except ImportError:
        return False, "the 'docker' package is not installed (pip install 'pytest-apigw[localstack]')"
    try:
        client = docker.from_env(timeout=5)
        client.ping()
        client.close()
    except Exception as exc:  # any failure means: no usable engine
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        return False, f"no Docker engine answers ({first[:200]})"
    return True, ""


class LocalStackContainer:
    """Starts ``localstack/localstack`` with ``LOCALSTACK_AUTH_TOKEN`` passed through."""

    def __init__(self) -> None:
        self._container: Any = None
        self.url = ""

    def start(self) -> str:
        """Start the container and return its endpoint URL."""
        ok, why = docker_available()
        if not ok:
            raise BackendUnavailable(
                "--apigw=localstack: no endpoint is set (--apigw-endpoint, $AWS_ENDPOINT_URL, "
                f"$LOCALSTACK_HOST) and LocalStack cannot be started here: {why}. {HOW_TO_START}"
            )
        from testcontainers.localstack import LocalStackContainer as Tc

        container = Tc(image=IMAGE).with_services(*SERVICES.split(","))
        token = os.environ.get("LOCALSTACK_AUTH_TOKEN")
        if token:
            container = container.with_env("LOCALSTACK_AUTH_TOKEN", token)
        try:
            container.start()
        except Exception as exc:
            raise BackendUnavailable(
                f"--apigw=localstack: starting the {IMAGE} container failed: {exc}. "
                "API Gateway v2 needs LOCALSTACK_AUTH_TOKEN set. " + HOW_TO_START
            ) from None
        self._container = container
        self.url = container.get_url().rstrip("/")
        return self.url

    def stop(self) -> None:
        """Stop the container if this object started it."""
        container, self._container = self._container, None
        if container is not None:
            container.stop()
