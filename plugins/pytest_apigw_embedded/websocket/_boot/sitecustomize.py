"""Start-up of pytest-apigw's Lambda worker processes (on their ``PYTHONPATH`` only).

Installs the botocore hook that routes ``apigatewaymanagementapi`` calls for loopback hosts to
the embedded gateway (see ``pytest_apigw_embedded/websocket/sdk_endpoint.py``), then runs the
``sitecustomize`` this one shadows, if any.
"""

import contextlib
import importlib.machinery
import importlib.util
import os
import sys
from types import ModuleType

_HERE = os.path.dirname(os.path.abspath(__file__))


def _run(name: str, path: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


_SDK_ENDPOINT = os.path.join(os.path.dirname(_HERE), "sdk_endpoint.py")
with contextlib.suppress(Exception):  # never break a worker's start-up
    _run("_pytest_apigw_sdk_endpoint", _SDK_ENDPOINT).install_hooks()

_others = [p for p in sys.path if os.path.abspath(p or os.curdir) != _HERE]
_spec = importlib.machinery.PathFinder.find_spec("sitecustomize", _others)
if _spec is not None and _spec.origin and os.path.dirname(os.path.abspath(_spec.origin)) != _HERE:
    with contextlib.suppress(Exception):
        _run("_pytest_apigw_next_sitecustomize", _spec.origin)
