"""boto3 clients for a LocalStack-compatible endpoint or for AWS.

For LocalStack, every client is made with the endpoint as ``endpoint_url`` (boto3's own way,
TLS verification as boto3 does it); ``localstack-client`` is not needed for that (its session
maps each service to a URL of its own and turns TLS verification off).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Mapping
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


def env_region(environ: Mapping[str, str] | None = None) -> str:
    """The region of the environment (``$AWS_DEFAULT_REGION``, ``$AWS_REGION``), else us-east-1."""
    env = os.environ if environ is None else environ
    return env.get("AWS_DEFAULT_REGION") or env.get("AWS_REGION") or DEFAULT_REGION


def localstack_clients(endpoint_url: str) -> Clients:
    """Clients for a LocalStack-compatible endpoint: your credentials when set, else
    LocalStack's test ones (it does not check them); the region of your environment."""
    import boto3

    region = env_region()
    own = bool(os.environ.get("AWS_ACCESS_KEY_ID"))
    session = boto3.Session(
        aws_access_key_id=os.environ.get("AWS_ACCESS_KEY_ID", "test"),
        aws_secret_access_key=os.environ.get("AWS_SECRET_ACCESS_KEY", "test"),
        aws_session_token=os.environ.get("AWS_SESSION_TOKEN") if own else None,
        region_name=region,
    )
    return Clients(session, endpoint_url, region)


def aws_clients(session: Any | None = None) -> Clients:
    """Clients for the real AWS account of the default credential chain."""
    import boto3

    session = session or boto3.Session()
    region = session.region_name or os.environ.get("AWS_DEFAULT_REGION") or DEFAULT_REGION
    return Clients(session, None, region)
