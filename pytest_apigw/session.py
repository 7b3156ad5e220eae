"""``Apigw``: what the ``apigw`` fixtures hand a test: deploy specs, tear them all down later."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest

from pytest_apigw.backend import Backend, Deployment, Spec
from pytest_apigw.errors import BackendUnavailable, SpecError


class LazyBackend:
    """Creates the selected backend on first use and closes it once at the end."""

    def __init__(self, name: str, config: pytest.Config) -> None:
        self.name = name
        self._config = config
        self._backend: Backend | None = None
        self._failure: BackendUnavailable | None = None
        self._lock = threading.Lock()

    @property
    def started(self) -> bool:
        """True once the backend exists."""
        return self._backend is not None

    def get(self) -> Backend:
        """The backend, created and started on first call. When it cannot start, every test that
        needs it fails without a traceback and without trying again: the first with the whole
        reason, the others with its first line and a pointer to the first."""
        with self._lock:
            if self._backend is None and self._failure is None:
                try:
                    backend = self._config.hook.pytest_apigw_make_backend(
                        name=self.name, config=self._config
                    )
                    backend.start()
                    self._backend = backend
                except BackendUnavailable as exc:
                    self._failure = exc
            if self._backend is None:
                failed = pytest.fail.Exception(str(self._failure), pytrace=False)
                failed.apigw_unavailable = self.name  # type: ignore[attr-defined]
                raise failed
            return self._backend

    def close(self) -> None:
        """Close the backend if it was ever created."""
        with self._lock:
            backend, self._backend = self._backend, None
        if backend is not None:
            backend.close()


class Apigw:
    """Deploys specs to one backend and remembers them so :meth:`teardown` removes them all.

    ``deploy(api)`` returns a :class:`~pytest_apigw.Deployment`; ``deployed(api)`` is the same
    as a context manager, torn down on exit (use it inside ``@given`` tests).
    """

    def __init__(self, backend: Callable[[], Backend], on_deployed: Callable[[Deployment], None] | None = None) -> None:  # noqa: E501
        self._backend = backend
        self._on_deployed = on_deployed
        self._deployments: list[Deployment] = []

    @property
    def backend(self) -> Backend:
        """The backend deployments go to (started on first use)."""
        return self._backend()

    @property
    def deployments(self) -> list[Deployment]:
        """Live deployments made through this object."""
        return [d for d in self._deployments if not d.closed]

    def deploy(self, api: Spec, *, stage: str | None = None) -> Deployment:
        """Deploy ``api`` and return its live :class:`~pytest_apigw.Deployment`.

        ``api`` is an ``HttpApi`` / ``WebSocketApi`` spec, or a
        :class:`~pytest_apigw.templates.Template` or ``aws_cdk.Stack`` holding exactly one API.

        ``stage`` chooses which stage's URL is ``deployment.url`` (default: ``$default`` when
        the API has it, else its first stage).
        """
        from pytest_apigw.spec import HttpApi, WebSocketApi

        if not isinstance(api, HttpApi | WebSocketApi):  # the templates package loads only for these
            from pytest_apigw.templates.deployable import deployable_api

            api = deployable_api(api)
        if not isinstance(api, HttpApi | WebSocketApi):
            raise SpecError(
                "apigw.deploy", f"expected an HttpApi or WebSocketApi, got {type(api).__name__} {api!r}"
            )
        deployment = self.backend.deploy(api, stage=stage)
        self._deployments.append(deployment)
        if self._on_deployed is not None:
            self._on_deployed(deployment)
        return deployment

    @contextmanager
    def deployed(self, api: Spec, *, stage: str | None = None) -> Iterator[Deployment]:
        """Deploy ``api`` for the ``with`` block and tear it down on exit."""
        deployment = self.deploy(api, stage=stage)
        try:
            yield deployment
        finally:
            self._deployments.remove(deployment)
            deployment.close()

    def teardown(self) -> None:
        """Tear down every deployment still live (errors from one do not stop the others)."""
        errors: list[BaseException] = []
        while self._deployments:
            deployment = self._deployments.pop()
            try:
                deployment.close()
            except Exception as exc:  # keep tearing down the rest
                errors.append(exc)
        if errors:
            raise errors[0]
