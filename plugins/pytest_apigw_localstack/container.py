"""A LocalStack container through testcontainers, when no endpoint is set and Docker answers.

Configured as LocalStack documents it for Pro (API Gateway v2 is a Pro service): the
``localstack/localstack-pro`` image when ``LOCALSTACK_AUTH_TOKEN`` is set (the token passed
through), the Docker socket mounted so Lambda can start its runtime containers, the clients'
region, and ``host.docker.internal`` mapped to the host so the container reaches the upstream
servers a test runs (see ``--apigw-upstream-host``). Under pytest-xdist the controller starts one
container for the session and hands its URL to every worker (``plugin.py``).
"""

from __future__ import annotations

import os
from typing import Any

from pytest_apigw.errors import BackendUnavailable
from pytest_apigw_localstack.clients import env_region
from pytest_apigw_localstack.endpoint import HOW_TO_START

COMMUNITY_IMAGE = "localstack/localstack:latest"
PRO_IMAGE = "localstack/localstack-pro:latest"
SERVICES = "apigateway,lambda,iam,sts,ec2,elbv2,servicediscovery"
DOCKER_SOCKET = "/var/run/docker.sock"
#: The name containers use for the host (Docker's ``host-gateway``).
HOST_ALIAS = "host.docker.internal"


def image(environ: dict[str, str] | None = None) -> str:
    """``$PYTEST_APIGW_LOCALSTACK_IMAGE``, else Pro with a token, else the community image."""
    env = os.environ if environ is None else environ
    if env.get("PYTEST_APIGW_LOCALSTACK_IMAGE"):
        return env["PYTEST_APIGW_LOCALSTACK_IMAGE"]
    return PRO_IMAGE if env.get("LOCALSTACK_AUTH_TOKEN") else COMMUNITY_IMAGE


def region(environ: dict[str, str] | None = None) -> str:
    """The region the clients use (the container must use the same)."""
    return env_region(environ)


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


def configure(container: Any, environ: dict[str, str] | None = None) -> Any:
    """Apply the Pro-ready settings to a testcontainers ``LocalStackContainer``."""
    env = os.environ if environ is None else environ
    container = container.with_services(*SERVICES.split(","))
    container = container.with_volume_mapping(DOCKER_SOCKET, DOCKER_SOCKET, "rw")
    container = container.with_kwargs(extra_hosts={HOST_ALIAS: "host-gateway"})
    if env.get("LOCALSTACK_AUTH_TOKEN"):
        container = container.with_env("LOCALSTACK_AUTH_TOKEN", env["LOCALSTACK_AUTH_TOKEN"])
    return container


class LocalStackContainer:
    """Starts LocalStack (see the module docstring) and stops it."""

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
        from testcontainers.community.localstack import LocalStackContainer as Tc

        name = image()
        container = configure(Tc(image=name, region_name=region()))
        try:
            container.start()
        except Exception as exc:
            hint = "" if os.environ.get("LOCALSTACK_AUTH_TOKEN") else \
                " API Gateway v2 is a LocalStack Pro service: set LOCALSTACK_AUTH_TOKEN."
            raise BackendUnavailable(
                f"--apigw=localstack: starting the {name} container failed: {exc}.{hint} {HOW_TO_START}"
            ) from None
        self._container = container
        self.url = container.get_url().rstrip("/")
        return self.url

    def stop(self) -> None:
        """Stop the container if this object started it."""
        container, self._container = self._container, None
        if container is not None:
            container.stop()
