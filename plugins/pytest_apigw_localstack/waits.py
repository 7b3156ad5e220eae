"""Polling for what AWS finishes asynchronously (Lambda state, Cloud Map operations, VPC links)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from pytest_apigw.errors import DeployError

if TYPE_CHECKING:
    from pytest_apigw_localstack.clients import Clients

T = TypeVar("T")


def poll(what: str, probe: Callable[[], T | None], *, timeout: float, interval: float = 0.05,
         max_interval: float = 2.0) -> T:
    """Call ``probe`` until it returns something truthy; :class:`DeployError` after ``timeout``."""
    deadline = time.monotonic() + timeout
    while True:
        result = probe()
        if result:
            return result
        if time.monotonic() >= deadline:
            raise DeployError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(interval)
        interval = min(interval * 1.5, max_interval)


def wait_operation(clients: Clients, operation_id: str | None, timeout: float = 300.0) -> dict[str, Any]:
    """Wait for a Cloud Map operation to succeed; its targets (``NAMESPACE``, ``INSTANCE``)."""
    if not operation_id:
        return {}

    def probe() -> dict[str, Any] | None:
        op = clients.servicediscovery.get_operation(OperationId=operation_id)["Operation"]
        if op["Status"] == "FAIL":
            raise DeployError(f"Cloud Map operation {op.get('Type')} failed: {op.get('ErrorMessage')}")
        if op["Status"] != "SUCCESS":
            return None
        targets: dict[str, Any] = op.get("Targets") or {"done": "yes"}
        return targets

    return poll(f"Cloud Map operation {operation_id}", probe, timeout=timeout)
