"""Registers the ``localstack`` and ``aws`` backends through pytest-apigw's hooks."""

from __future__ import annotations

from typing import Any

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    """``--apigw-upstream-host`` (ini ``apigw_upstream_host``, ``$PYTEST_APIGW_UPSTREAM_HOST``)."""
    parser.getgroup("apigw", "API Gateway v2 testing (pytest-apigw)").addoption(
        "--apigw-upstream-host", default=None, metavar="HOST",
        help="the address a LocalStack container reaches this machine's test upstreams under "
        "(loopback URLs and IPs in what is provisioned become HOST; e.g. host.docker.internal)",
    )
    parser.addini("apigw_upstream_host", "see --apigw-upstream-host", default="")


@pytest.fixture(scope="session")
def apigw_upstream_host(pytestconfig: pytest.Config) -> str:
    """The host a test's upstream servers (HTTP proxy targets, load balancer targets, Cloud Map
    instances) are named by for the endpoint: ``127.0.0.1``, or the ``--apigw-upstream-host``
    it reaches this machine under. Bind a server to it when it is an address of this machine;
    for a name such as ``host.docker.internal``, bind ``0.0.0.0`` (on purpose, for the
    container). Loopback URLs in specs are rewritten to it when provisioned."""
    from pytest_apigw_localstack.upstreams import UpstreamHost

    host = UpstreamHost.from_config(pytestconfig.getoption("apigw_upstream_host", None),
                                    pytestconfig.getini("apigw_upstream_host")).host
    return host or "127.0.0.1"


def _backend_class(name: str) -> Any:
    """The backend class, or a clear error when the ``localstack`` extra is not installed."""
    try:
        from pytest_apigw_localstack import backend
    except ImportError as exc:
        from pytest_apigw.errors import BackendUnavailable

        raise BackendUnavailable(
            f"the LocalStack and AWS backends need boto3: "
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


#: ``workerinput`` keys: the session container's URL, or why it could not start.
SHARED_ENDPOINT = "apigw_localstack_endpoint"
SHARED_FAILURE = "apigw_localstack_unavailable"
_CONTAINER = pytest.StashKey[dict[str, str]]()


def _session_container(config: pytest.Config) -> dict[str, str]:
    """On the xdist controller: one LocalStack container for the whole session when the
    ``localstack`` backend is selected and no endpoint is set (started once, stopped at exit)."""
    if _CONTAINER in config.stash:
        return config.stash[_CONTAINER]
    from pytest_apigw.plugin import selected_backend

    shared: dict[str, str] = {}
    if selected_backend(config) == "localstack":
        from pytest_apigw_localstack import endpoint

        if endpoint.configured(config.getoption("apigw_endpoint", None)) is None:
            from pytest_apigw.errors import BackendUnavailable
            from pytest_apigw_localstack.container import LocalStackContainer

            container = LocalStackContainer()
            try:
                shared[SHARED_ENDPOINT] = container.start()
                config.add_cleanup(container.stop)
            except BackendUnavailable as exc:
                shared[SHARED_FAILURE] = str(exc)
    config.stash[_CONTAINER] = shared
    return shared


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node: Any) -> None:
    """pytest-xdist: every worker uses the controller's one LocalStack container."""
    node.workerinput.update(_session_container(node.config))
