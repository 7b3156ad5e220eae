"""What integrations and authorizers need from a Lambda runtime: the :class:`LambdaRuntime`
Protocol that the in-process and the worker-process runtimes both satisfy."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from collections.abc import Iterable

    from pytest_apigw.spec.function import Function
    from pytest_apigw_embedded.lambda_runtime.result import InvokeResult


class LambdaRuntime(Protocol):
    """Runs a spec :class:`~pytest_apigw.Function`'s handler (``services.lambda_runtime(function)``
    returns one)."""

    def prepare(self, function: Function) -> None:
        """Get ``function`` ready now (at deploy), so a handler that cannot run fails there, clearly."""

    async def invoke(self, function: Function, event: Any, timeout: float | None = None) -> InvokeResult:
        """Invoke ``function`` with ``event``; past ``timeout`` (default: the function's own) the
        result has ``timed_out=True``."""
        ...

    async def release(self, functions: Iterable[Function]) -> None:
        """Let go of what ``functions`` hold (worker processes, resolved handlers) when the last
        deployment using them is destroyed; a later invocation prepares them again."""

    async def close(self) -> None:
        """Stop everything the runtime started (at backend close)."""
