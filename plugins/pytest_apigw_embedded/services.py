"""What integrations share within one embedded backend: Lambda runtimes and the event loop."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pytest_apigw_embedded.lambda_runtime.inprocess import InProcessRuntime
from pytest_apigw_embedded.lambda_runtime.process import ProcessRuntime
from pytest_apigw_embedded.server.loop import LoopThread


class Services:
    """Shared by every deployment of a backend; closed once with it."""

    def __init__(self, loop: LoopThread, *, worker_paths: Sequence[str] = ()) -> None:
        self.loop = loop
        #: Folders put first on worker processes' ``PYTHONPATH`` (their start-up hooks).
        self.worker_paths = list(worker_paths)
        self._inprocess: InProcessRuntime | None = None
        self._process: ProcessRuntime | None = None
        #: Other shared resources by name (integration modules add theirs, e.g. HTTP clients);
        #: each value may have an async ``aclose()`` or a ``close()``.
        self.extras: dict[str, Any] = {}

    def lambda_runtime(self, function: Any) -> InProcessRuntime | ProcessRuntime:
        """The runtime for ``function``'s ``isolation``."""
        if function.isolation == "process":
            if self._process is None:
                self._process = ProcessRuntime(worker_paths=self.worker_paths)
            return self._process
        if self._inprocess is None:
            self._inprocess = InProcessRuntime()
        return self._inprocess

    async def release(self, functions: Any) -> None:
        """End what the runtimes keep for ``functions`` (worker processes): called when no live
        deployment uses them any more. Every runtime with an async ``release`` is asked."""
        functions = list(functions)
        if not functions:
            return
        for runtime in (self._process, self._inprocess, *self.extras.values()):
            release = getattr(runtime, "release", None)
            if release is not None:
                await release(functions)

    async def aclose(self) -> None:
        """Close everything (runs on the loop)."""
        if self._process is not None:
            await self._process.close()
            self._process = None
        if self._inprocess is not None:
            self._inprocess.close()
            self._inprocess = None
        for extra in list(self.extras.values()):
            if hasattr(extra, "aclose"):
                await extra.aclose()
            elif hasattr(extra, "close"):
                extra.close()
        self.extras.clear()
