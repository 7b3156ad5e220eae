"""What a deployment created, in creation order, so teardown can undo it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Resource:
    """One created resource: its kind (see ``teardown.ORDER``), id and what deleting it needs."""

    kind: str
    id: str
    extra: dict[str, Any] = field(default_factory=dict)


class Ledger:
    """Append-only record of created resources; written *before* the next call can fail."""

    def __init__(self) -> None:
        self.resources: list[Resource] = []

    def add(self, kind: str, id: str, **extra: Any) -> Resource:  # noqa: A002
        """Record a created resource and return it."""
        resource = Resource(kind, id, extra)
        self.resources.append(resource)
        return resource

    def of(self, kind: str) -> list[Resource]:
        """Every recorded resource of ``kind``."""
        return [r for r in self.resources if r.kind == kind]

    def __len__(self) -> int:
        return len(self.resources)
