"""The APIs the rows deploy: ``n`` routes of mixed shapes, all Lambda proxy, built with the spec API."""

from __future__ import annotations

import json
from typing import Any

from pytest_apigw.spec import Function, HttpApi, LambdaProxyIntegration

#: The request the throughput rows send; it matches ``GET /items/{id}`` (route 0 of every API).
TARGET_PATH = "/items/42"
RESPONSE_BODY = json.dumps({"message": "hello", "path": TARGET_PATH})


def hello(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """The benchmark's Lambda: a small JSON answer (about the size of the floor's)."""
    return {
        "statusCode": 200,
        "headers": {"content-type": "application/json"},
        "body": RESPONSE_BODY,
    }


def route_shapes(n: int) -> list[tuple[str, list[str]]]:
    """``n`` route keys as ``(path, methods)``: literals, ``{param}``s, a greedy path, methods.

    Route 0 is ``GET /items/{id}``, the one the throughput rows hit; the rest are spread so the
    router sees siblings at each depth (``/r{i}``, ``/r{i}/{id}``, ``/r{i}/{id}/sub``, ...).
    """
    shapes: list[tuple[str, list[str]]] = [("/items/{id}", ["GET"])]
    i = 0
    kinds = (
        lambda i: (f"/r{i}", ["GET"]),
        lambda i: (f"/r{i}/{{id}}", ["GET"]),
        lambda i: (f"/r{i}/{{id}}/sub", ["POST"]),
        lambda i: (f"/r{i}/static/{{name}}", ["PUT"]),
        lambda i: (f"/r{i}/files/{{proxy+}}", ["ANY"]),
    )
    while len(shapes) < n:
        shapes.append(kinds[i % len(kinds)](i // len(kinds)))
        i += 1
    return shapes[:n]


def make_api(n_routes: int, *, name: str = "bench", functions: int = 5, payload: str = "2.0") -> HttpApi:
    """An :class:`HttpApi` with ``n_routes`` Lambda-proxy routes (``functions`` Lambdas shared,
    payload format ``payload``).

    Every path has its own integration, as a CDK app usually writes it.
    """
    api = HttpApi(f"{name}{n_routes}")
    fns = [Function(f"fn{i}", handler=hello) for i in range(max(1, functions))]
    for i, (path, methods) in enumerate(route_shapes(n_routes)):
        integration = LambdaProxyIntegration(handler=fns[i % len(fns)], payload_format_version=payload)
        api.add_routes(path=path, methods=methods, integration=integration)
    return api
