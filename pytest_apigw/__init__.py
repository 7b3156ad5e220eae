"""pytest-apigw: test AWS API Gateway v2 APIs the way they run.

Describe an API with the CDK ``aws-apigatewayv2-integrations`` constructs, deploy it with the
``apigw`` fixture, and talk to ``deployment.url`` over real sockets.

``Template`` and ``load_template`` are imported on first use (PEP 562): the templates package
is not loaded at session start.
"""

from typing import TYPE_CHECKING, Any

from pytest_apigw.backend import Backend, Deployment
from pytest_apigw.errors import ApigwError, BackendUnavailable, DeployError, NotServedWarning, SpecError
from pytest_apigw.registry import BackendRegistry
from pytest_apigw.session import Apigw
from pytest_apigw.spec import *  # noqa: F403
from pytest_apigw.spec import __all__ as _spec_names

if TYPE_CHECKING:
    from pytest_apigw.templates import Template, load_template

__version__ = "0.1.0"

__all__ = [
    "ApigwError",
    "Apigw",
    "Backend",
    "BackendRegistry",
    "BackendUnavailable",
    "DeployError",
    "Deployment",
    "NotServedWarning",
    "SpecError",
    "Template",
    "load_template",
    *_spec_names,
]


def __getattr__(name: str) -> Any:
    """``Template`` and ``load_template``, imported from :mod:`pytest_apigw.templates` on first use."""
    if name in ("Template", "load_template"):
        from pytest_apigw import templates

        value = getattr(templates, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
