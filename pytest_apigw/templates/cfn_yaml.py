"""YAML templates with CloudFormation's short forms (``!Ref``, ``!GetAtt``, ``!Sub``, ...)."""

from __future__ import annotations

from typing import Any

from pytest_apigw.errors import SpecError


def load_yaml(text: str, source: str) -> Any:
    """Parse a YAML template; ``!Ref x`` becomes ``{"Ref": x}``, ``!GetAtt a.b`` becomes
    ``{"Fn::GetAtt": ["a", "b"]}``, every other ``!Name`` becomes ``{"Fn::Name": ...}``."""
    try:
        import yaml
    except ImportError:  # pragma: no cover - pyyaml ships with the templates extra
        raise SpecError(
            "load_template", f"{source} is YAML: install PyYAML (pip install 'pytest-apigw[templates]')"
        ) from None

    class Loader(yaml.SafeLoader):
        """SafeLoader + CloudFormation tags; timestamps stay strings (``2010-09-09``)."""

    def short_form(loader: Loader, suffix: str, node: Any) -> dict[str, Any]:
        if isinstance(node, yaml.ScalarNode):
            value: Any = loader.construct_scalar(node)
        elif isinstance(node, yaml.SequenceNode):
            value = loader.construct_sequence(node, deep=True)
        else:
            value = loader.construct_mapping(node, deep=True)
        if suffix == "Ref" or suffix == "Condition":
            return {suffix: value}
        if suffix == "GetAtt" and isinstance(value, str):
            value = value.split(".", 1)
        return {f"Fn::{suffix}": value}

    Loader.add_multi_constructor("!", short_form)
    Loader.add_constructor(
        "tag:yaml.org,2002:timestamp", lambda loader, node: loader.construct_scalar(node)
    )
    try:
        return yaml.load(text, Loader=Loader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        raise SpecError("load_template", f"{source} is not valid YAML: {exc}") from None
