"""The ``localstack`` and ``aws`` backends: the same translator against different endpoints."""

from __future__ import annotations

import os
import threading
from typing import Any, ClassVar

from pytest_apigw import capabilities as cap
from pytest_apigw.backend import Backend, Deployment, Spec, StageAccessLog
from pytest_apigw.coverage import route_log
from pytest_apigw.errors import BackendUnavailable
from pytest_apigw.spec import WebSocketApi
from pytest_apigw.spec.deploy import deploy_target
from pytest_apigw.spec.stage import DEFAULT_STAGE
from pytest_apigw_localstack import capabilities as caps
from pytest_apigw_localstack import endpoint as endpoints
from pytest_apigw_localstack import signals
from pytest_apigw_localstack.clients import Clients, aws_clients, localstack_clients
from pytest_apigw_localstack.translate import Provisioned, Translator
from pytest_apigw_localstack.upstreams import UpstreamHost

OPT_IN_ENV = "PYTEST_APIGW_AWS"
#: Seconds route coverage waits, at a deployment's teardown, for access-log lines still on
#: their way to CloudWatch Logs (AWS delivers them asynchronously).
ACCESS_LOG_WAIT = 60.0


def provisioned(deployment: Deployment) -> Provisioned:
    """What the translator created for ``deployment`` (a ``TypeError`` for another backend's)."""
    if not isinstance(deployment.handle, Provisioned):
        raise TypeError(f"{deployment!r} was not deployed through the AWS API")
    return deployment.handle

class AwsApiBackend(Backend):
    """Shared by both backends: deploy through a :class:`Translator`, keep what is live."""

    capabilities: ClassVar[frozenset[str]] = caps.PROVISIONED
    real_aws: ClassVar[bool] = False

    def __init__(self, config: Any = None, *, clients: Clients | None = None) -> None:
        super().__init__(config)
        self._clients = clients
        self._translator: Translator | None = None
        self._live: dict[int, Deployment[Provisioned]] = {}
        self._lock = threading.Lock()
        self._signals = False  # SIGTERM routed to a teardown while started
        #: Capability → why this endpoint cannot serve it (the conformance suite's skip reason).
        self.capability_gaps: dict[str, str] = {}

    def upstream_host(self) -> UpstreamHost:
        """Where the endpoint reaches the test's loopback upstreams (``--apigw-upstream-host``)."""
        if self.config is None:
            return UpstreamHost.from_config(None)
        return UpstreamHost.from_config(self.config.getoption("apigw_upstream_host", None),
                                        self.config.getini("apigw_upstream_host"))

    # -- what a subclass provides ---------------------------------------------------------
    def connect(self) -> Clients:
        """Clients for the backend's endpoint (raise :class:`BackendUnavailable` if none)."""
        raise NotImplementedError

    def stage_url(self, done: Provisioned, stage: str, scheme: str) -> str:
        """The invoke URL of ``stage`` (``scheme`` is ``http`` or ``ws``)."""
        raise NotImplementedError

    # -- the Backend contract ---------------------------------------------------------------
    def start(self) -> None:
        """Find the endpoint and make the translator (once); from now on SIGTERM tears down
        what the run created instead of killing the process (``signals.py``)."""
        if self._translator is None:
            clients = self._clients or self.connect()
            self._clients = clients
            coverage = route_log.requested(self.config) and self.supports(cap.ACCESS_LOGS)
            self._translator = Translator(clients, real_aws=self.real_aws, upstreams=self.upstream_host(),
                                          route_log_format=route_log.FORMAT if coverage else None)
            self._signals = signals.install()

    @property
    def translator(self) -> Translator:
        """The translator (the backend started on demand)."""
        self.start()
        assert self._translator is not None
        return self._translator

    @property
    def clients(self) -> Clients:
        """The boto3 clients in use."""
        return self.translator.clients

    def deploy(self, api: Spec, *, stage: str | None = None) -> Deployment[Provisioned]:
        """Provision ``api`` through the AWS API and return its invoke URLs."""
        chosen = deploy_target(api, stage).stage_name
        done = self.translator.deploy(api)
        is_ws = isinstance(api, WebSocketApi)
        urls = {name: self.stage_url(done, name, "http") for name in done.stages}
        deployment = Deployment(
            api=api, api_id=done.api_id, stage=chosen, url=urls[chosen], backend=self,
            ws_url=self.stage_url(done, chosen, "ws") if is_ws else None, stage_urls=urls, handle=done,
        )
        with self._lock:
            self._live[id(deployment)] = deployment
        return deployment

    def access_log(self, deployment: Deployment) -> list[str]:
        """The lines API Gateway wrote to the deployment's access-log groups (read now)."""
        from pytest_apigw_localstack.translate import access_logs

        return access_logs.read(self.clients, provisioned(deployment).ledger)

    def stage_access_logs(self, deployment: Deployment, *, expected: int = 0) -> list[StageAccessLog]:
        """Each stage's log group read back (coverage's too); waits up to :data:`ACCESS_LOG_WAIT`
        seconds for ``expected`` lines. Nothing on an endpoint that writes no access log."""
        if not self.supports(cap.ACCESS_LOGS):
            return []
        import time

        from pytest_apigw_localstack.translate import access_logs

        deadline = time.monotonic() + ACCESS_LOG_WAIT
        while True:
            logs = access_logs.read_stages(self.clients, provisioned(deployment).ledger)
            written = sum(len(log.lines) for log in logs)
            if not logs or written >= expected or time.monotonic() >= deadline:
                return logs
            time.sleep(1.0)

    def redeploy(self, deployment: Deployment) -> None:
        """Provision what the spec gained and deploy the stages without auto-deploy."""
        done = provisioned(deployment)
        self.translator.redeploy(done)
        for name in done.stages:
            deployment.stage_urls.setdefault(name, self.stage_url(done, name, "http"))

    def destroy(self, deployment: Deployment) -> None:
        """Delete everything the deployment created, in dependency order."""
        with self._lock:
            self._live.pop(id(deployment), None)
        self.translator.destroy(provisioned(deployment))

    def close(self) -> None:
        """Tear down deployments still live (then SIGTERM is as before)."""
        with self._lock:
            live, self._live = list(self._live.values()), {}
        errors = []
        for deployment in live:
            deployment.closed = True
            try:
                self.translator.destroy(provisioned(deployment))
            except Exception as exc:
                errors.append(exc)
        if self._signals:
            signals.uninstall()
            self._signals = False
        if errors:
            raise errors[0]


class LocalStackBackend(AwsApiBackend):
    """Any LocalStack-compatible endpoint: ``--apigw-endpoint``, ``$AWS_ENDPOINT_URL``,
    ``$LOCALSTACK_HOST``, or a LocalStack container started through testcontainers."""

    name = "localstack"

    def __init__(
        self, config: Any = None, *, endpoint: str | None = None, clients: Clients | None = None
    ) -> None:
        super().__init__(config, clients=clients)
        self._endpoint_option = endpoint
        self._container: Any = None
        self.endpoint: endpoints.Endpoint | None = None
        self.ministack = False

    def connect(self) -> Clients:
        """Resolve and health-check the endpoint (starting a container when none is set)."""
        option = self._endpoint_option
        if option is None and self.config is not None:
            option = self.config.getoption("apigw_endpoint", None)
        found = endpoints.configured(option)
        shared = getattr(self.config, "workerinput", None) or {}
        if found is None and shared.get("apigw_localstack_endpoint"):  # the xdist session's container
            found = endpoints.Endpoint(shared["apigw_localstack_endpoint"], "the session's container")
        if found is None and shared.get("apigw_localstack_unavailable"):
            raise BackendUnavailable(shared["apigw_localstack_unavailable"])
        if found is None:
            from pytest_apigw_localstack.container import LocalStackContainer

            self._container = LocalStackContainer()
            found = endpoints.Endpoint(self._container.start(), "testcontainers")
        endpoints.check(found)
        self.endpoint = found
        self.ministack = endpoints.is_ministack(found.url)
        self._declare()
        return localstack_clients(found.url)

    def start(self) -> None:
        """Connect; with injected clients, still learn what the endpoint serves."""
        if self._clients is not None and self.endpoint is None and self._clients.endpoint_url:
            self.endpoint = endpoints.Endpoint(self._clients.endpoint_url, "clients")
            self.ministack = endpoints.is_ministack(self._clients.endpoint_url)
            self._declare()
        super().start()

    def _declare(self) -> None:
        self.capability_gaps = dict(caps.MINISTACK_GAPS) if self.ministack else {}

    @property
    def capabilities(self) -> frozenset[str]:  # type: ignore[override]
        """Everything provisioned, minus what this endpoint is known not to serve."""
        return caps.PROVISIONED - set(self.capability_gaps)

    def stage_url(self, done: Provisioned, stage: str, scheme: str) -> str:
        """LocalStack's path form ``<endpoint>/_aws/execute-api/<apiId>/<stage>``."""
        base = self.clients.endpoint_url or ""
        if scheme == "ws":
            base = "ws" + base[len("http"):] if base.startswith("http") else base
        return f"{base}/_aws/execute-api/{done.api_id}/{stage}"

    def close(self) -> None:
        """Tear down what is left, then stop the container if one was started."""
        try:
            super().close()
        finally:
            if self._container is not None:
                self._container.stop()
                self._container = None

    def describe(self) -> str:
        """One line for the report header."""
        where = "endpoint not resolved"
        if self.endpoint:
            where = f"{self.endpoint.url} (from {self.endpoint.source})"
        return f"localstack at {where}" + (" [MiniStack]" if self.ministack else "")


class AwsBackend(AwsApiBackend):
    """A real AWS account, opt-in: ``--apigw=aws`` on the command line plus credentials."""

    name = "aws"
    real_aws = True

    def connect(self) -> Clients:
        """Refuse unless the user opted in and credentials are found; then plain boto3 clients."""
        chosen = self.config.getoption("apigw", None) if self.config is not None else None
        if chosen != "aws" and os.environ.get(OPT_IN_ENV) != "1":
            raise BackendUnavailable(
                "the 'aws' backend creates real, billable resources, so it runs only when asked "
                f"for on the command line: pytest --apigw=aws (or set {OPT_IN_ENV}=1)"
            )
        if os.environ.get("AWS_ENDPOINT_URL"):
            raise BackendUnavailable(
                "--apigw=aws: $AWS_ENDPOINT_URL is set, so boto3 would not talk to AWS; unset it, "
                "or use --apigw=localstack for that endpoint"
            )
        import boto3

        session = boto3.Session()
        if session.get_credentials() is None:
            raise BackendUnavailable(
                "--apigw=aws: no AWS credentials found (set AWS_PROFILE, or AWS_ACCESS_KEY_ID and "
                "AWS_SECRET_ACCESS_KEY, and AWS_DEFAULT_REGION)"
            )
        return aws_clients(session)

    def stage_url(self, done: Provisioned, stage: str, scheme: str) -> str:
        """The API's endpoint (``https://<id>.execute-api.<region>.amazonaws.com``) plus the stage."""
        base = done.api_endpoint or (
            f"https://{done.api_id}.execute-api.{self.clients.region}.amazonaws.com"
        )
        if scheme == "http" and base.startswith("wss://"):
            base = "https://" + base[len("wss://"):]
        if scheme == "ws" and base.startswith("https://"):
            base = "wss://" + base[len("https://"):]
        if isinstance(done.api, WebSocketApi) or stage != DEFAULT_STAGE:
            return f"{base}/{stage}"
        return base

    def describe(self) -> str:
        """One line for the report header."""
        return "aws (real account, every resource tagged pytest-apigw:run)"
