"""``Build``: the state of one template being read into spec objects.

Resource modules (:mod:`pytest_apigw.templates.resources`) ask it for resolved properties and
for the specs of other resources (built once, on first use), so the order resources appear in
the template does not matter and nothing is built that no API uses.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from pytest_apigw.errors import SpecError
from pytest_apigw.spec import Vpc
from pytest_apigw.spec.function import Isolation
from pytest_apigw.templates.intrinsics import Resolver, Where
from pytest_apigw.templates.sources import Source
from pytest_apigw.templates.upstreams import Upstreams

T = TypeVar("T")

class Build:
    """One template's resources, resolved on demand, and the specs made from them."""

    def __init__(self, source: Source, resolver: Resolver, upstreams: Upstreams,
                 handlers: dict[str, Any], isolation: Isolation = "inprocess") -> None:
        self.source = source
        #: How the template's own Python functions run (``load_template(isolation=...)``).
        self.isolation: Isolation = isolation
        self.resolver = resolver
        self.upstreams = upstreams
        self.handlers = dict(handlers)
        self.resources: dict[str, Any] = {
            lid: res for lid, res in (source.template.get("Resources") or {}).items()
            if isinstance(res, dict) and resolver.included(lid)
        }
        self._props: dict[str, dict[str, Any]] = {}
        self._built: dict[tuple[str, str], Any] = {}
        self.vpc = Vpc("Vpc")
        self.used_handlers: set[str] = set()

    # -- reading -------------------------------------------------------------------------------
    def type_of(self, logical_id: str) -> str:
        """The resource's ``Type``."""
        return str(self.resources[logical_id].get("Type", ""))

    def of_type(self, *types: str) -> Iterator[str]:
        """Logical ids of the (included) resources of these types, in template order."""
        return (lid for lid, res in self.resources.items() if res.get("Type") in types)

    def label(self, logical_id: str) -> str:
        """How errors name a resource: ``AWS::ApiGatewayV2::Route 'HttpApiGETbooks' (HttpApi/GET--books)``."""
        kind = self.resources.get(logical_id, {}).get("Type", "resource")
        path = self.source.construct_paths.get(logical_id)
        return f"{kind} {logical_id!r}" + (f" ({path})" if path else "")

    def props(self, logical_id: str) -> dict[str, Any]:
        """The resource's ``Properties`` with every intrinsic resolved."""
        if logical_id not in self._props:
            raw = self.resources[logical_id].get("Properties") or {}
            self._props[logical_id] = self.resolver.resolve(raw, Where(self.label(logical_id), "Properties"))
        return self._props[logical_id]

    def error(self, logical_id: str, prop: str, message: str) -> SpecError:
        """A :class:`SpecError` naming the resource and property."""
        return SpecError(self.label(logical_id), f"property {prop}: {message}")

    def owner(self, value: Any, *types: str) -> str | None:
        """The logical id (of one of ``types``) whose id or ARN is (or is inside) ``value``."""
        logical_id = self.resolver.physical.owner(value)
        if logical_id is None or logical_id not in self.resources:
            return None
        return logical_id if not types or self.type_of(logical_id) in types else None

    def keys(self, logical_id: str) -> set[str]:
        """Every name a user may know the resource by: logical id, construct path and id."""
        keys = {logical_id}
        path = self.source.construct_paths.get(logical_id)
        if path:
            keys |= {path, path.rsplit("/", 1)[-1], f"{self.source.stack_name}/{path}"}
        return keys

    def construct_id(self, logical_id: str) -> str:
        """The CDK construct id when known (the last segment of its path), else the logical id."""
        path = self.source.construct_paths.get(logical_id)
        return path.rsplit("/", 1)[-1] if path else logical_id

    # -- building ------------------------------------------------------------------------------
    def once(self, kind: str, logical_id: str, make: Callable[[], T]) -> T:
        """The spec made from a resource, made on first use (a ``kind`` always makes one type)."""
        key = (kind, logical_id)
        if key not in self._built:
            self._built[key] = make()
        made: T = self._built[key]
        return made

    def built(self, kind: str) -> dict[str, Any]:
        """Every spec of ``kind`` made so far, by logical id."""
        return {lid: spec for (k, lid), spec in self._built.items() if k == kind}
