"""MiniStack serving the same Lambda-proxy GET (target: embedded ≥ 50× MiniStack).

MiniStack (``python -m ministack``) is started as a subprocess on a free loopback port, the
function is created by zip upload, then an HTTP API with the same 50 routes (one integration per
function, as MiniStack stores them), ``$default`` auto-deploy stage, all with boto3. The request is
``GET /_aws/execute-api/<apiId>/$default/items/42`` through the same client as every other row.
"""

from __future__ import annotations

import contextlib
import io
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from benchmarks.apis import RESPONSE_BODY, TARGET_PATH, route_shapes
from benchmarks.common import LOOPBACK, Result, Settings, bench, clock, rate_row, run_client
from benchmarks.processes import PYTHON, free_port, start_process, stop_process, wait_http

ROUTES = 50
HANDLER_SOURCE = f"""
import json

BODY = {RESPONSE_BODY!r}


def handler(event, context):
    return {{"statusCode": 200, "headers": {{"content-type": "application/json"}}, "body": BODY}}
"""


def handler_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("lambda_function.py", HANDLER_SOURCE)
    return buffer.getvalue()


@contextlib.contextmanager
def ministack(log_dir: Path) -> Iterator[tuple[str, float]]:
    """A running MiniStack: its endpoint and how long it took to answer its health check."""
    port = free_port()
    proc = start_process(
        [PYTHON, "-m", "ministack"], log=log_dir / "ministack.log", cwd=log_dir,
        env={"GATEWAY_PORT": str(port), "BIND_HOST": LOOPBACK},
    )
    endpoint = f"http://{LOOPBACK}:{port}"
    try:
        try:
            ready = wait_http(f"{endpoint}/_localstack/health", timeout=30, proc=proc)
        except Exception as exc:
            tail = (log_dir / "ministack.log").read_text(errors="replace")[-400:]
            raise RuntimeError(f"{exc}; log tail: {tail!r}") from exc
        yield endpoint, ready
    finally:
        stop_process(proc)


def client(endpoint: str, service: str) -> Any:
    import boto3

    return boto3.client(
        service, endpoint_url=endpoint, region_name="us-east-1",
        aws_access_key_id="test", aws_secret_access_key="test",
    )


def deploy_api(endpoint: str, routes: int = ROUTES) -> str:
    """Create the function and an HTTP API with ``routes`` Lambda-proxy routes; the API id."""
    lam = client(endpoint, "lambda")
    function = lam.create_function(
        FunctionName="bench-hello", Runtime="python3.11", Handler="lambda_function.handler",
        Role="arn:aws:iam::000000000000:role/lambda-role", Code={"ZipFile": handler_zip()},
    )
    arn = function["FunctionArn"]
    gw = client(endpoint, "apigatewayv2")
    api_id = gw.create_api(Name=f"bench{routes}", ProtocolType="HTTP")["ApiId"]
    integration = gw.create_integration(
        ApiId=api_id, IntegrationType="AWS_PROXY", IntegrationUri=arn, PayloadFormatVersion="2.0",
    )["IntegrationId"]
    for path, methods in route_shapes(routes):
        for method in methods:
            gw.create_route(ApiId=api_id, RouteKey=f"{method} {path}", Target=f"integrations/{integration}")
    gw.create_stage(ApiId=api_id, StageName="$default", AutoDeploy=True)
    return api_id


@bench("ministack", order=50, external=True)
def ministack_lambda_proxy(settings: Settings) -> list[Result]:
    with (
        tempfile.TemporaryDirectory(prefix="bench-ministack-") as tmp,
        ministack(Path(tmp)) as (endpoint, ready),
    ):
        start = clock()
        api_id = deploy_api(endpoint)
        deploy_s = clock() - start
        url = f"{endpoint}/_aws/execute-api/{api_id}/$default{TARGET_PATH}"
        result = run_client(
            url, requests=settings.count(150, 20), warmup=3 if settings.quick else 10,
            time_limit=min(settings.time_limit, 8.0), check=lambda body: body.decode() == RESPONSE_BODY,
        )
    return [
        rate_row("ministack", result, vs="lambda_proxy", inverse=True, target=(">=", 50),
                 note=f"MiniStack subprocess, {ROUTES} routes, Lambda as subprocess; ready in {ready:.1f} s"),
        Result("ministack_deploy_50", deploy_s * 1000, "ms",
               note="function zip + API + 50 routes + $default stage via boto3 (informational)"),
    ]
