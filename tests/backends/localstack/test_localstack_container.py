"""The testcontainers path, configured as LocalStack documents it for Pro, checked with Docker
mocked (no Docker engine runs on these machines): image, token, Docker socket, host alias,
region, the non-deprecated import, and one container per xdist session."""

from __future__ import annotations

import sys
import types

import pytest
from pytest_apigw_localstack import container as ct

from pytest_apigw import BackendUnavailable


class FakeTc:
    """Stands in for ``testcontainers.community.localstack.LocalStackContainer``."""

    made: list[FakeTc] = []

    def __init__(self, image: str, region_name: str | None = None) -> None:
        self.image, self.region = image, region_name
        self.env: dict[str, str] = {}
        self.volumes: list[tuple[str, str, str]] = []
        self.kwargs: dict = {}
        self.services: tuple[str, ...] = ()
        self.started = self.stopped = False
        FakeTc.made.append(self)

    def with_services(self, *services: str) -> FakeTc:
        self.services = services
        return self

    def with_volume_mapping(self, host: str, container: str, mode: str = "ro") -> FakeTc:
        self.volumes.append((host, container, mode))
        return self

    def with_kwargs(self, **kwargs) -> FakeTc:
        self.kwargs.update(kwargs)
        return self

    def with_env(self, key: str, value: str) -> FakeTc:
        self.env[key] = value
        return self

    def start(self) -> FakeTc:
        self.started = True
        return self

    def get_url(self) -> str:
        return "http://127.0.0.1:45666/"

    def stop(self) -> None:
        self.stopped = True


@pytest.fixture
def fake_docker(monkeypatch):
    FakeTc.made.clear()
    module = types.ModuleType("testcontainers.community.localstack")
    module.LocalStackContainer = FakeTc  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "testcontainers.community.localstack", module)
    monkeypatch.setattr(ct, "docker_available", lambda: (True, ""))
    for name in ("PYTEST_APIGW_LOCALSTACK_IMAGE", "AWS_REGION"):
        monkeypatch.delenv(name, raising=False)
    return FakeTc.made


def test_pro_configuration_with_a_token(fake_docker, monkeypatch) -> None:
    monkeypatch.setenv("LOCALSTACK_AUTH_TOKEN", "ls-token")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")
    started = ct.LocalStackContainer()
    assert started.start() == "http://127.0.0.1:45666"
    (made,) = fake_docker
    assert made.image == "localstack/localstack-pro:latest"
    assert made.env["LOCALSTACK_AUTH_TOKEN"] == "ls-token"
    assert made.region == "eu-west-1"  # the clients' region, not testcontainers' us-west-1
    assert ("/var/run/docker.sock", "/var/run/docker.sock", "rw") in made.volumes
    assert made.kwargs["extra_hosts"] == {"host.docker.internal": "host-gateway"}
    assert "apigateway" in made.services and "lambda" in made.services
    started.stop()
    assert made.stopped


def test_without_a_token_the_community_image_and_a_hint(fake_docker, monkeypatch) -> None:
    monkeypatch.delenv("LOCALSTACK_AUTH_TOKEN", raising=False)
    monkeypatch.delenv("AWS_DEFAULT_REGION", raising=False)
    assert ct.image() == "localstack/localstack:latest"
    assert ct.region() == "us-east-1"

    def refuse(self):
        raise RuntimeError("pull access denied")

    monkeypatch.setattr(FakeTc, "start", refuse)
    with pytest.raises(BackendUnavailable, match="API Gateway v2 is a LocalStack Pro service"):
        ct.LocalStackContainer().start()


def test_xdist_workers_share_the_controllers_container(pytester, fake_docker, monkeypatch) -> None:
    """The controller starts one container and hands its URL to every worker."""
    from pytest_apigw_localstack import plugin

    for name in ("AWS_ENDPOINT_URL", "LOCALSTACK_HOST"):
        monkeypatch.delenv(name, raising=False)
    config = pytester.parseconfig("--apigw=localstack")
    nodes = [types.SimpleNamespace(config=config, workerinput={}) for _ in range(3)]
    for node in nodes:
        plugin.pytest_configure_node(node)
    assert len(fake_docker) == 1  # one container, not one per worker
    assert {n.workerinput[plugin.SHARED_ENDPOINT] for n in nodes} == {"http://127.0.0.1:45666"}
    config._ensure_unconfigure()
    assert fake_docker[0].stopped

    from pytest_apigw_localstack.backend import LocalStackBackend

    worker_config = types.SimpleNamespace(workerinput={plugin.SHARED_FAILURE: "no Docker engine answers"},
                                          getoption=lambda name, default=None: None)
    with pytest.raises(BackendUnavailable, match="no Docker engine answers"):
        LocalStackBackend(worker_config).connect()
