"""What ``apigw.deploy`` accepts besides a spec: a ``Template`` or ``aws_cdk.Stack`` of one API."""

from __future__ import annotations

from typing import Any

from pytest_apigw.templates.sources import _is_cdk_stack
from pytest_apigw.templates.template import Template


def deployable_api(value: Any) -> Any:
    """The one API of a :class:`Template` or live CDK stack; anything else is returned as is."""
    if _is_cdk_stack(value):
        from pytest_apigw.templates import load_template

        value = load_template(value)
    if isinstance(value, Template):
        return value.api()
    return value
