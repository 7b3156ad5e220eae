"""Route the AWS SDK's ``apigatewaymanagementapi`` calls to the emulator, unchanged handler code.

AWS's examples build the client from the event:
``boto3.client("apigatewaymanagementapi", endpoint_url=f"https://{domainName}/{stage}")``.
The emulator makes that URL point at itself in two steps:

1. ``requestContext.domainName`` is the host the client connected to, as on AWS (where it is
   the API's or custom domain's host): for a deployment that is ``127.0.0.1:PORT``, so the
   callback URL names the right listener and stage already.
2. The listener speaks plain HTTP (no certificate to trust), so botocore is taught, through its
   own event system, that an ``apigatewaymanagementapi`` call to a **loopback** host over
   ``https`` goes over ``http`` and unsigned (``before-call`` rewrites the URL,
   ``choose-signer`` returns ``UNSIGNED``: no credentials needed, no signature checked).
   Nothing else is touched: other services, and management calls to real AWS hosts, are as
   before. An explicit ``AWS_ENDPOINT_URL_APIGATEWAYMANAGEMENTAPI`` does not help here (an
   ``endpoint_url`` argument wins over it in botocore 1.4x), hence the hook.

The hook is added to ``botocore.handlers.BUILTIN_HANDLERS`` (what every new botocore session
registers, the way moto installs its stubber) and to boto3's existing default session. When
botocore is not imported yet, a one-shot import hook adds it right after ``botocore.handlers``
loads, so nothing heavy is imported early.

The backend installs the hooks in the test process when it deploys its first WebSocket API and
removes them when it closes (:func:`uninstall_hooks`). Worker processes
(``Function(isolation="process")``) get the same hooks from ``_boot/sitecustomize.py``: the
backend hands :data:`BOOT_DIR` to the process runtime, which puts it first on the workers'
``PYTHONPATH``, and Python imports ``sitecustomize`` at start-up (it then runs any other
``sitecustomize`` further down the path). The test process's ``sys.path`` is never touched.
This module imports only the standard library at module level, so a worker starts fast.
"""

from __future__ import annotations

import importlib.abc
import importlib.util
import os
import sys
from typing import Any
from urllib.parse import urlsplit

SERVICE = "apigatewaymanagementapi"
BOOT_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "_boot")
_MARK = "pytest_apigw_loopback"


def is_loopback(host: str | None) -> bool:
    """True for ``127.0.0.0/8``, ``::1`` and ``localhost`` names."""
    if not host:
        return False
    host = host.lower()
    return host.startswith("127.") or host in ("::1", "localhost") or host.endswith(".localhost")


def redirect_to_loopback(params: dict[str, Any], context: dict[str, Any], **_: Any) -> None:
    """``before-call``: an ``https`` call to a loopback host goes over ``http``, unsigned."""
    url = params.get("url")
    if isinstance(url, str) and url.startswith("https://") and is_loopback(urlsplit(url).hostname):
        params["url"] = "http://" + url[len("https://"):]
        context[_MARK] = True


def unsigned_for_loopback(context: dict[str, Any] | None = None, **_: Any) -> Any:
    """``choose-signer``: no signature (and so no credentials) for the redirected calls."""
    if context and context.get(_MARK):
        from botocore import UNSIGNED

        return UNSIGNED
    return None


HANDLERS = (
    (f"before-call.{SERVICE}", redirect_to_loopback),
    (f"choose-signer.{SERVICE}", unsigned_for_loopback),
)


def _patch(handlers_module: Any) -> None:
    builtin = handlers_module.BUILTIN_HANDLERS
    for entry in HANDLERS:
        if entry not in builtin:
            builtin.append(entry)
    boto3 = sys.modules.get("boto3")
    session = getattr(boto3, "DEFAULT_SESSION", None) if boto3 is not None else None
    if session is not None:
        for event, handler in HANDLERS:
            session.events.register(event, handler, unique_id=f"pytest-apigw-{event}")


class _Loader(importlib.abc.Loader):
    def __init__(self, inner: Any) -> None:
        self.inner = inner

    def create_module(self, spec: Any) -> Any:
        return self.inner.create_module(spec)

    def exec_module(self, module: Any) -> None:
        self.inner.exec_module(module)
        _patch(module)


class _AfterImport(importlib.abc.MetaPathFinder):
    """Patches ``botocore.handlers`` as soon as it is imported (then steps aside)."""

    def find_spec(self, name: str, path: Any, target: Any = None) -> Any:
        if name != "botocore.handlers":
            return None
        if self in sys.meta_path:
            sys.meta_path.remove(self)
        spec = importlib.util.find_spec(name)
        if spec is not None and spec.loader is not None:
            spec.loader = _Loader(spec.loader)
        return spec


_users = 0  # backends that installed the hooks in this process and have not closed yet


def install_hooks() -> None:
    """Add the botocore hooks in this process (now, or when botocore gets imported); each call
    is matched by one :func:`uninstall_hooks` (several backends may share a process)."""
    global _users
    _users += 1
    module = sys.modules.get("botocore.handlers")
    if module is not None:
        _patch(module)
    elif not any(isinstance(f, _AfterImport) for f in sys.meta_path):
        sys.meta_path.insert(0, _AfterImport())


def uninstall_hooks() -> None:
    """Undo :func:`install_hooks` once the last backend that installed them is gone (botocore
    as it was before)."""
    global _users
    _users = max(0, _users - 1)
    if _users:
        return
    sys.meta_path[:] = [f for f in sys.meta_path if not isinstance(f, _AfterImport)]
    module = sys.modules.get("botocore.handlers")
    if module is not None:
        builtin = module.BUILTIN_HANDLERS
        builtin[:] = [entry for entry in builtin if entry not in HANDLERS]
    boto3 = sys.modules.get("boto3")
    session = getattr(boto3, "DEFAULT_SESSION", None) if boto3 is not None else None
    if session is not None:
        for event, _handler in HANDLERS:
            session.events.unregister(event, unique_id=f"pytest-apigw-{event}")
