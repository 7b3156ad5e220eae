"""The runtime for Node.js and custom-runtime functions: worker processes behind the Runtime API.

``services.lambda_runtime(function)`` returns it for ``nodejs*`` and ``provided*`` functions;
like the Python runtimes it has ``prepare(function)`` (checks at deploy) and ``await
invoke(function, event, timeout)`` → :class:`InvokeResult`, and it ends processes with
``release(functions)`` (a deployment destroyed) and ``close()`` (the backend closed).
A function's layers are extracted once (``layers.py``): ``NODE_PATH``, ``PATH`` and
``LD_LIBRARY_PATH`` of its instances name their folders, as Lambda's do for ``/opt``.
"""

from __future__ import annotations

import json
import os
from typing import Any

import orjson

from pytest_apigw_embedded.lambda_runtime import custom, node
from pytest_apigw_embedded.lambda_runtime.context import lambda_environment, new_log_stream
from pytest_apigw_embedded.lambda_runtime.instances import FunctionInstances, Launch
from pytest_apigw_embedded.lambda_runtime.layers import LayerFolders, OptFolder
from pytest_apigw_embedded.lambda_runtime.result import InvokeResult

#: Credentials a function sees when the test process has none (Lambda always sets the
#: execution role's; these are AWS's documented example keys, accepted by moto and MiniStack).
FALLBACK_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "AKIAIOSFODNN7EXAMPLE",
    "AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    "AWS_SESSION_TOKEN": "pytest-apigw-session-token",
}


#: The standard library's compact encoder, for what orjson leaves to it (see :func:`encode_event`).
_json_encode = json.JSONEncoder(separators=(",", ":")).encode
#: Types orjson would encode but ``json`` refuses: handed back, so such an event fails as before.
_ORJSON_OPTIONS = orjson.OPT_PASSTHROUGH_DATACLASS | orjson.OPT_PASSTHROUGH_DATETIME


def encode_event(event: Any) -> bytes:
    """The event as the runtime reads it: compact UTF-8 JSON. orjson encodes a gateway's event
    about ten times faster than ``json`` (1 µs against 10); what it refuses (integers past 64
    bits, keys that are not strings, lone surrogates, dataclasses, ...) goes through ``json``
    as before, with its result or its error. Unlike ``json``, non-ASCII text is written as UTF-8
    (not ``\\u`` escapes; the same JSON) and NaN as ``null`` (JSON has no NaN)."""
    try:
        return orjson.dumps(event, option=_ORJSON_OPTIONS)
    except orjson.JSONEncodeError:
        return stdlib_encode_event(event)


def stdlib_encode_event(event: Any) -> bytes:
    """:func:`encode_event` with the standard library's ``json`` alone."""
    return _json_encode(event).encode()


def process_environment(function: Any, log_stream: str) -> dict[str, str]:
    """What an instance of ``function`` sees: the test process's environment (``PATH``, ...),
    Lambda's variables, credentials, then the function's own ``environment``."""
    env = dict(os.environ)
    env.update(lambda_environment(function, log_stream))
    for name, fallback in FALLBACK_CREDENTIALS.items():
        env[name] = os.environ.get(name, fallback)
    env["LANG"] = "en_US.UTF-8"
    env.update(function.environment)
    return env


def _launch(function: Any, env: dict[str, str], opt: OptFolder | None) -> Launch:
    if opt is not None:
        env = opt.environment(function, env)
    if function.runtime_family == "node":
        return node.launch(function, env)
    return custom.launch(function, env, opt.root if opt is not None else None)


class ExternalRuntime:
    """Invokes Node.js and custom-runtime functions in their own processes."""

    def __init__(self) -> None:
        self._log_stream = new_log_stream()
        self._functions: dict[Any, FunctionInstances] = {}
        self._layers = LayerFolders()

    def prepare(self, function: Any) -> None:
        """Check that ``function`` can run (``node`` on PATH, an executable ``bootstrap``) and
        set up its instances (none started yet): a :class:`SpecError` names what to fix."""
        if function not in self._functions:
            env = process_environment(function, self._log_stream)
            opt = self._layers.opt(function)
            launch = _launch(function, env, opt)
            self._functions[function] = FunctionInstances(function, launch)

    async def invoke(self, function: Any, event: Any, timeout: float | None = None) -> InvokeResult:
        """Invoke ``function`` with ``event`` (JSON) on one of its instances."""
        self.prepare(function)
        limit = function.timeout if timeout is None else timeout
        body = encode_event(event)
        return await self._functions[function].invoke(body, limit)

    def instances(self, function: Any) -> FunctionInstances | None:
        """The instances of ``function`` (``None`` when it was never prepared)."""
        return self._functions.get(function)

    async def release(self, functions: Any) -> None:
        """End the instances of ``functions`` (their deployment is gone)."""
        for function in list(functions):
            pool = self._functions.pop(function, None)
            if pool is not None:
                await pool.close()

    async def close(self) -> None:
        """End every instance and remove the extracted layers."""
        await self.release(list(self._functions))
        self._layers.close()
