"""boto3 clients: through ``localstack-client`` for LocalStack, plain boto3 for AWS."""

from __future__ import annotations

import os
import threading
from typing import Any

#: Every service the translator calls.
SERVICES = ("apigatewayv2", "lambda", "iam", "ec2", "elbv2", "servicediscovery", "sts", "logs")
DEFAULT_REGION = "us-east-1"


class Clients:
    """One boto3 client per service, made on first use from one session."""

    def __init__(self, session: Any, endpoint_url: str | None, region: str) -> None:
        self.session = session
        self.endpoint_url = endpoint_url
        self.region = region
        self._clients: dict[str, Any] = {}
        self._lock = threading.Lock()
        self._identity: dict[str, str] | None = None

    def __getattr__(self, service: str) -> Any:
        if service.startswith("_"):
            raise AttributeError(service)
        return self.get(service)

    def get(self, service: str) -> Any:
        """The client for ``service`` (``apigatewayv2``, ``lambda``, ...)."""
        with self._lock:
            client = self._clients.get(service)
            if client is None:
                from botocore.config import Config

                # inject_host_prefix off for an endpoint: DiscoverInstances would go to data-<host>
                config = Config(retries={"max_attempts": 3, "mode": "standard"}, connect_timeout=5,
                                read_timeout=60, inject_host_prefix=self.endpoint_url is None)
                kwargs: dict[str, Any] = {"region_name": self.region, "config": config}
                if self.endpoint_url:
                    kwargs["endpoint_url"] = self.endpoint_url
                client = self.session.client(service, **kwargs)
                self._clients[service] = client
            return client

    @property
    def account_id(self) -> str:
        """The caller's account (LocalStack's ``000000000000`` when STS is missing)."""
        return self.identity["account"]

    @property
    def partition(self) -> str:
        """``aws`` (or ``aws-cn``, ``aws-us-gov``), from the caller's ARN."""
        return self.identity["partition"]

    @property
    def identity(self) -> dict[str, str]:
        """Account id and partition of the caller, asked once."""
        if self._identity is None:
            try:
                arn = self.get("sts").get_caller_identity()["Arn"]
                self._identity = {"account": arn.split(":")[4], "partition": arn.split(":")[1]}
            except Exception:
                if not self.endpoint_url:
                    raise
                self._identity = {"account": "000000000000", "partition": "aws"}
        return self._identity


def localstack_clients(endpoint_url: str) -> Clients:
    """Clients for a LocalStack-compatible endpoint (test credentials unless some are set)."""
    from localstack_client.session import Session

    region = os.environ.get("AWS_DEFAULT_REGION") or os.environ.get("AWS_REGION") or DEFAULT_REGION
    session = Session(
        aws_access_key_id=os.environ.get("AWS_ACCESS_KEY_ID", "test"),
        aws_secret_access_key=os.environ.get("AWS_SECRET_ACCESS_KEY", "test"),
        region_name=region, localstack_host=endpoint_url.split("://", 1)[-1],
    )
    # localstack-client builds per-service URLs from $AWS_ENDPOINT_URL or localstack_host (and
    # prefers the former): pin every service to the endpoint that was chosen and checked.
    session._service_endpoint_mapping = dict.fromkeys(session._service_endpoint_mapping, endpoint_url)
    return Clients(session, endpoint_url, region)


def aws_clients(session: Any | None = None) -> Clients:
    """Clients for the real AWS account of the default credential chain."""
    import boto3

    session = session or boto3.Session()
    region = session.region_name or os.environ.get("AWS_DEFAULT_REGION") or DEFAULT_REGION
    return Clients(session, None, region)
