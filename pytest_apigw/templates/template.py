"""``Template``: what :func:`~pytest_apigw.templates.load_template` returns."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

from pytest_apigw.errors import SpecError
from pytest_apigw.spec import Function, HttpApi, WebSocketApi

if TYPE_CHECKING:
    from pytest_apigw.templates.intrinsics import Resolver

T = TypeVar("T")

class Template:
    """The APIs and functions of one template, as spec objects every backend deploys.

    ``apis`` and ``functions`` are keyed by logical id; :meth:`api` and :meth:`function` also
    find them by the API's ``Name`` / the ``FunctionName``, the CDK construct id (the last path
    segment) or the construct path.
    """

    def __init__(self, apis: dict[str, HttpApi | WebSocketApi], functions: dict[str, Function],
                 names: dict[str, set[str]], description: str, resolver: Resolver,
                 refused: dict[str, SpecError] | None = None) -> None:
        self.apis = apis
        #: APIs of the template that are not served (REST APIs), with why: asking for one raises it.
        self.refused = dict(refused or {})
        self.functions = functions
        self._names = names
        self.description = description
        self._resolver = resolver

    def ref(self, key: str) -> Any:
        """What ``!Ref`` of a parameter or resource is in this template: a resource's physical id
        as the functions' environment got it (a table's name, a queue's URL, a topic's ARN), to
        create the same resource in moto under it. ``key``: a logical id, or a CDK construct id
        or path (``tpl.ref("Items")`` for ``dynamodb.Table(stack, "Items")``)."""
        from pytest_apigw.templates.intrinsics import Where

        where = Where(f"Template {self.description}", f"ref({key!r})")
        return self._resolver.ref(self._logical_id(key), where)

    def get_att(self, key: str, attribute: str) -> Any:
        """What ``!GetAtt`` of a resource's ``attribute`` is in this template
        (``get_att("ItemsTable", "Arn")``); ``key`` as for :meth:`ref`."""
        from pytest_apigw.templates.intrinsics import Where

        where = Where(f"Template {self.description}", f"get_att({key!r}, {attribute!r})")
        return self._resolver.resolve({"Fn::GetAtt": [self._logical_id(key), attribute]}, where)

    def _logical_id(self, key: str) -> str:
        """``key`` itself when the template has a parameter or resource of that name, else the
        one resource known by it (construct id or path)."""
        if key in self._resolver.resources or key in self._resolver.parameters:
            return key
        found = [lid for lid, names in self._names.items() if key in names]
        return found[0] if len(found) == 1 else key  # none or several: the resolver says so

    @property
    def outputs(self) -> dict[str, Any]:
        """The template's ``Outputs``, resolved (those whose ``Condition`` is false left out)."""
        from pytest_apigw.templates.intrinsics import Where

        resolver = self._resolver
        found: dict[str, Any] = {}
        for name, output in (resolver.template.get("Outputs") or {}).items():
            where = Where(f"Output {name!r}", "Value")
            if isinstance(output, dict) and "Value" in output and (
                    "Condition" not in output or resolver.condition(output["Condition"], where)):
                found[name] = resolver.resolve(output["Value"], where)
        return found

    def api(self, key: str | None = None) -> HttpApi | WebSocketApi:
        """The API known by ``key``; with no key, the template's only API (HTTP or WebSocket)."""
        if key is not None and key not in self.apis:
            for lid, error in self.refused.items():
                if key == lid or key in self._names.get(lid, set()):
                    raise error
        return self._find("API", self.apis, key)

    def function(self, key: str) -> Function:
        """The function known by ``key`` (logical id, construct id or path, ``FunctionName``)."""
        return self._find("function", self.functions, key)

    def _find(self, what: str, table: dict[str, T], key: str | None) -> T:
        if key is None:
            if len(table) == 1:
                return next(iter(table.values()))
            if not table:
                raise SpecError(f"Template {self.description}", f"holds no {what}")
            raise SpecError(f"Template {self.description}", f"holds {len(table)} {what}s "
                            f"({', '.join(sorted(table))}): name one, e.g. load_template(...).api(key)")
        if key in table:
            return table[key]
        found = [lid for lid in table if key in self._names.get(lid, set())]
        if len(found) == 1:
            return table[found[0]]
        known = ", ".join(f"{lid} ({'/'.join(sorted(self._names.get(lid, set()) - {lid}))})" for lid in table)
        problem = f"is ambiguous: {found!r}" if found else "matches nothing"
        raise SpecError(f"Template {self.description}", f"{what} {key!r} {problem}; known: {known or 'none'}")

    def __repr__(self) -> str:
        return f"Template({self.description!r}, apis={sorted(self.apis)}, functions={sorted(self.functions)})"
