"""What integrations share within one embedded backend: Lambda runtimes and the event loop."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Protocol, TypeVar

from pytest_apigw_embedded.server.loop import LoopThread

if TYPE_CHECKING:
    from pytest_apigw.spec.function import Function
    from pytest_apigw_embedded.lambda_runtime.external import ExternalRuntime
    from pytest_apigw_embedded.lambda_runtime.inprocess import InProcessRuntime
    from pytest_apigw_embedded.lambda_runtime.process import ProcessRuntime
    from pytest_apigw_embedded.lambda_runtime.protocol import LambdaRuntime


class SharedResource(Protocol):
    """A resource one backend's deployments share (an HTTP client, a key cache): made on first
    use with no arguments, closed with the backend."""

    async def aclose(self) -> None:
        """Release it (runs on the backend's loop)."""


R = TypeVar("R", bound=SharedResource)


class Services:
    """Shared by every deployment of a backend; closed once with it."""

    def __init__(self, loop: LoopThread, *, worker_paths: Sequence[str] = ()) -> None:
        self.loop = loop
        #: Folders put first on worker processes' ``PYTHONPATH`` (their start-up hooks).
        self.worker_paths = list(worker_paths)
        self._inprocess: InProcessRuntime | None = None
        self._process: ProcessRuntime | None = None
        self._external: ExternalRuntime | None = None
        self._building: list[set[Function]] = []
        #: Other shared resources, one per class (integration modules add theirs through
        #: :meth:`shared`, e.g. the upstream HTTP client), closed with the backend.
        self.extras: dict[type[SharedResource], SharedResource] = {}

    def lambda_runtime(self, function: Function) -> LambdaRuntime:
        """The runtime for ``function``: Node.js and custom runtimes (``function.runtime``) run
        behind the Lambda Runtime API; Python handlers by ``isolation``. Each runtime's modules
        are imported with its first function (a session that deploys none pays nothing)."""
        for functions in self._building:
            functions.add(function)
        if getattr(function, "runtime_family", "python") != "python":
            if self._external is None:
                from pytest_apigw_embedded.lambda_runtime.external import ExternalRuntime

                self._external = ExternalRuntime()
            return self._external
        if function.isolation == "process":
            if self._process is None:
                from pytest_apigw_embedded.lambda_runtime.process import ProcessRuntime

                self._process = ProcessRuntime(worker_paths=self.worker_paths)
            return self._process
        if self._inprocess is None:
            from pytest_apigw_embedded.lambda_runtime.inprocess import InProcessRuntime

            self._inprocess = InProcessRuntime()
        return self._inprocess

    def shared(self, kind: type[R]) -> R:
        """The backend's one ``kind()`` (made on first use, closed with the backend)."""
        made = self.extras.get(kind)
        if not isinstance(made, kind):
            made = self.extras[kind] = kind()
        return made

    @contextlib.contextmanager
    def functions_used(self) -> Iterator[set[Function]]:
        """Collect the functions whose runtime is asked for inside the block (a deployment being
        built), so that :meth:`release` can end their processes when it is destroyed."""
        functions: set[Function] = set()
        self._building.append(functions)
        try:
            yield functions
        finally:
            self._building.remove(functions)

    async def release(self, functions: set[Function]) -> None:
        """End what the runtimes keep for ``functions`` (worker processes, in-process handlers and
        what they hold) once no live deployment uses them (runs on the loop)."""
        if not functions:
            return
        for runtime in (self._external, self._process, self._inprocess):
            if runtime is not None:
                await runtime.release(functions)

    async def aclose(self) -> None:
        """Close everything (runs on the loop)."""
        if self._external is not None:
            await self._external.close()
            self._external = None
        if self._process is not None:
            await self._process.close()
            self._process = None
        if self._inprocess is not None:
            await self._inprocess.close()
            self._inprocess = None
        for extra in list(self.extras.values()):
            await extra.aclose()
        self.extras.clear()
