"""CloudFormation intrinsic functions and conditions, resolved locally.

``Ref``, ``Fn::GetAtt``, ``Fn::Join``, ``Fn::Sub``, ``Fn::Select``, ``Fn::Split``, ``Fn::If``
(with ``Conditions``: ``Fn::Equals``, ``Fn::And``, ``Fn::Or``, ``Fn::Not``, ``Condition``),
``Fn::FindInMap``, ``Fn::Base64``, ``Fn::GetAZs`` and the pseudo parameters. Resources get
stable, AWS-shaped physical ids (:mod:`pytest_apigw.templates.physical`). What cannot be known
without an AWS account (``Fn::ImportValue``, a ``Ref`` to nothing) is a :class:`SpecError` naming
the resource and the property.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Mapping
from typing import Any

from pytest_apigw.errors import SpecError
from pytest_apigw.templates.physical import PhysicalIds

#: The values pseudo parameters take in a local deployment.
PSEUDO = {
    "AWS::Region": "us-east-1",
    "AWS::AccountId": "123456789012",
    "AWS::Partition": "aws",
    "AWS::URLSuffix": "amazonaws.com",
    "AWS::NotificationARNs": [],
}
_SUB_RE = re.compile(r"\$\{([^}]*)\}")


class _NoValue:
    """``AWS::NoValue``: the key or list item holding it is left out."""

    def __repr__(self) -> str:
        return "AWS::NoValue"


NO_VALUE = _NoValue()


class Where:
    """Where a value sits (resource and property path), for error messages."""

    def __init__(self, resource: str, prop: str) -> None:
        self.resource = resource
        self.prop = prop

    def error(self, message: str) -> SpecError:
        """A :class:`SpecError` naming the resource and property."""
        return SpecError(self.resource, f"property {self.prop}: {message}")


class Resolver:
    """Resolves intrinsics of one template with its parameters and conditions."""

    def __init__(self, template: Mapping[str, Any], parameters: Mapping[str, Any], stack_name: str) -> None:
        self.template = template
        self.resources: Mapping[str, Any] = template.get("Resources") or {}
        self.mappings: Mapping[str, Any] = template.get("Mappings") or {}
        self.stack_name = stack_name
        self.pseudo = {
            **PSEUDO,
            "AWS::StackName": stack_name,
            "AWS::StackId": f"arn:aws:cloudformation:us-east-1:123456789012:stack/{stack_name}/local",
        }
        self.parameters = _parameter_values(template.get("Parameters") or {}, parameters)
        self.physical = PhysicalIds(self)
        self._conditions: dict[str, bool] = {}

    # -- conditions ----------------------------------------------------------------------------
    def condition(self, name: str, where: Where) -> bool:
        """The value of a named condition of the ``Conditions`` section."""
        if name not in self._conditions:
            conditions = self.template.get("Conditions") or {}
            if name not in conditions:
                raise where.error(f"condition {name!r} is not in the template's Conditions")
            self._conditions[name] = bool(
                self.resolve(conditions[name], Where(f"Condition {name!r}", "Conditions"))
            )
        return self._conditions[name]

    def included(self, logical_id: str) -> bool:
        """False for a resource whose ``Condition`` is false (it is not created)."""
        name = (self.resources.get(logical_id) or {}).get("Condition")
        return True if name is None else self.condition(name, Where(logical_id, "Condition"))

    # -- resolution ----------------------------------------------------------------------------
    def resolve(self, value: Any, where: Where) -> Any:
        """``value`` with every intrinsic replaced by what it evaluates to."""
        if isinstance(value, dict):
            if len(value) == 1:
                (key, arg), = value.items()
                if key == "Ref":
                    return self.ref(arg, where)
                if key.startswith("Fn::") or key == "Condition":
                    return self._function(key, arg, where)
            out = {}
            for key, item in value.items():
                resolved = self.resolve(item, Where(where.resource, f"{where.prop}.{key}"))
                if resolved is not NO_VALUE:
                    out[key] = resolved
            return out
        if isinstance(value, list):
            items = [self.resolve(item, where) for item in value]
            return [item for item in items if item is not NO_VALUE]
        return value

    def ref(self, name: Any, where: Where) -> Any:
        """``Ref``: a parameter's value, a pseudo parameter, or a resource's physical id."""
        if not isinstance(name, str):
            raise where.error(f"Ref takes a name, got {name!r}")
        if name == "AWS::NoValue":
            return NO_VALUE
        if name in self.pseudo:
            return self.pseudo[name]
        if name in self.parameters:
            value = self.parameters[name]
            if isinstance(value, _Missing):
                raise where.error(
                    f"parameter {name!r} has no Default and no value was given: pass "
                    f"parameters={{{name!r}: ...}} to load_template"
                )
            return value
        if name in self.resources:
            return self.physical.ref(name)
        raise where.error(
            f"Ref {name!r} names no parameter, pseudo parameter or resource of this template; "
            "fix the template (or pass the value with parameters=)"
        )

    def get_att(self, arg: Any, where: Where) -> Any:
        """``Fn::GetAtt``: an attribute of a resource (AWS-shaped, stable per logical id)."""
        if isinstance(arg, str):
            arg = arg.split(".", 1)
        if not isinstance(arg, list) or len(arg) != 2:
            raise where.error(f"Fn::GetAtt takes [logicalId, attribute], got {arg!r}")
        logical_id, attribute = arg[0], self.resolve(arg[1], where)
        if logical_id not in self.resources:
            raise where.error(f"Fn::GetAtt names resource {logical_id!r}, which is not in the template")
        return self.physical.attribute(logical_id, attribute)

    def _function(self, name: str, arg: Any, where: Where) -> Any:
        handler = _FUNCTIONS.get(name)
        if handler is None:
            if name == "Fn::ImportValue":
                raise where.error(
                    f"Fn::ImportValue {arg!r} reads another stack's export, which cannot be known "
                    "locally: replace it with a parameter and pass its value with parameters="
                )
            raise where.error(f"intrinsic function {name} is not supported locally")
        return handler(self, arg, where)

    def _sub(self, arg: Any, where: Where) -> str:
        if isinstance(arg, list):
            text, variables = arg[0], self.resolve(arg[1] if len(arg) > 1 else {}, where)
        else:
            text, variables = arg, {}
        if not isinstance(text, str):
            raise where.error(f"Fn::Sub takes a string, got {text!r}")

        def replace(match: re.Match[str]) -> str:
            name = match.group(1).strip()
            if name.startswith("!"):
                return "${" + name[1:] + "}"
            if name in variables:
                value = variables[name]
            elif "." in name and name.split(".", 1)[0] in self.resources:
                value = self.get_att(name.split(".", 1), where)
            else:
                value = self.ref(name, where)
            return _text(value, where)

        return _SUB_RE.sub(replace, text)


def scalar_text(value: Any) -> str:
    """A scalar as CloudFormation turns it into a string property (``true``, ``5``, ``text``)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _text(value: Any, where: Where) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str | int | float):
        return str(value)
    raise where.error(f"expected a string value, got {value!r}")


def _join(r: Resolver, arg: Any, where: Where) -> str:
    sep, items = r.resolve(arg, where)
    return sep.join(_text(item, where) for item in items)


def _select(r: Resolver, arg: Any, where: Where) -> Any:
    index, items = r.resolve(arg, where)
    try:
        return items[int(index)]
    except (IndexError, ValueError, TypeError):
        raise where.error(f"Fn::Select index {index!r} is out of range of {items!r}") from None


def _split(r: Resolver, arg: Any, where: Where) -> list[str]:
    sep, text = r.resolve(arg, where)
    return _text(text, where).split(sep)


def _if(r: Resolver, arg: Any, where: Where) -> Any:
    name, when_true, when_false = arg
    return r.resolve(when_true if r.condition(name, where) else when_false, where)


def _equals(r: Resolver, arg: Any, where: Where) -> bool:
    left, right = r.resolve(arg, where)
    return str(left) == str(right)


def _find_in_map(r: Resolver, arg: Any, where: Where) -> Any:
    name, top, second = r.resolve(arg, where)
    try:
        return r.mappings[name][top][second]
    except (KeyError, TypeError):
        raise where.error(f"Fn::FindInMap: Mappings has no {name}.{top}.{second}") from None


_FUNCTIONS = {
    "Fn::GetAtt": lambda r, a, w: r.get_att(a, w),
    "Fn::Join": _join,
    "Fn::Sub": lambda r, a, w: r._sub(a, w),
    "Fn::Select": _select,
    "Fn::Split": _split,
    "Fn::If": _if,
    "Fn::Equals": _equals,
    "Fn::And": lambda r, a, w: all(r.resolve(a, w)),
    "Fn::Or": lambda r, a, w: any(r.resolve(a, w)),
    "Fn::Not": lambda r, a, w: not r.resolve(a, w)[0],
    "Condition": lambda r, a, w: r.condition(a, w),
    "Fn::FindInMap": _find_in_map,
    "Fn::Base64": lambda r, a, w: base64.b64encode(_text(r.resolve(a, w), w).encode()).decode(),
    "Fn::GetAZs": lambda r, a, w: ["us-east-1a", "us-east-1b", "us-east-1c"],
}


def _parameter_values(declared: Mapping[str, Any], given: Mapping[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(given) - set(declared))
    if unknown:
        raise SpecError(
            "load_template", f"parameters={unknown!r} are not declared in the template's Parameters "
            f"(declared: {sorted(declared)!r})"
        )
    values: dict[str, Any] = {}
    for name, spec in declared.items():
        spec = spec or {}
        if name in given:
            value = given[name]
        elif "Default" in spec:
            value = spec["Default"]
        else:
            values[name] = _Missing(name)
            continue
        allowed = spec.get("AllowedValues")
        if allowed is not None and value not in allowed and str(value) not in map(str, allowed):
            raise SpecError(f"Parameter {name!r}", f"value {value!r} is not one of AllowedValues {allowed!r}")
        kind = str(spec.get("Type", "String"))
        if (kind == "CommaDelimitedList" or kind.startswith("List<")) and isinstance(value, str):
            value = [part.strip() for part in value.split(",")]
        values[name] = value
    return values


class _Missing:
    """A parameter with no ``Default`` and no value given: an error only where it is used."""

    def __init__(self, name: str) -> None:
        self.name = name
