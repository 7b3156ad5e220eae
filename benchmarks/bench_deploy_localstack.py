"""Deploy and first-request time of the same 10-route API: embedded vs localstack on MiniStack.

Timed per round, on started backends: ``backend.deploy(api)`` (a fresh spec each time, built
untimed), then the first ``GET /items/42`` through the deployment's URL (for the localstack
backend this includes Lambda's cold start in MiniStack), then ``deployment.close()``. Medians
over the rounds; ratios are localstack / embedded. MiniStack is started once, untimed, by
``pytest_apigw_localstack.ministack.MiniStackServer``; the localstack backend provisions through
the AWS API (IAM role, 5 zipped functions, API, 10 integrations, 10 routes, 10 permissions,
``$default`` stage) exactly as ``pytest --apigw=localstack`` does.
"""

from __future__ import annotations

import httpx

from benchmarks.apis import TARGET_PATH, make_api
from benchmarks.common import Result, Settings, bench, clock, median

ROUTES = 10


def _rounds(backend, rounds: int) -> tuple[list[float], list[float], list[float]]:  # noqa: ANN001
    deploys, firsts, closes = [], [], []
    with httpx.Client(timeout=60) as client:
        for _ in range(rounds):
            api = make_api(ROUTES)
            start = clock()
            deployment = backend.deploy(api)
            deploys.append(clock() - start)
            start = clock()
            response = client.get(deployment.url + TARGET_PATH)
            firsts.append(clock() - start)
            if response.status_code != 200:
                raise RuntimeError(f"{backend.name}: first request answered {response.status_code}: "
                                   f"{response.text[:200]}")
            start = clock()
            deployment.close()
            closes.append(clock() - start)
    return deploys, firsts, closes


def measure(rounds: int = 5) -> list[Result]:
    """The rows (callable outside the harness: ``measure(3)``)."""
    from pytest_apigw_embedded.backend import EmbeddedBackend
    from pytest_apigw_localstack.backend import LocalStackBackend
    from pytest_apigw_localstack.ministack import MiniStackServer

    rows: list[Result] = []
    embedded = EmbeddedBackend()
    embedded.start()
    try:
        _rounds(embedded, 1)  # warm
        e_deploy, e_first, _ = _rounds(embedded, rounds)
    finally:
        embedded.close()
    rows.append(Result("deploy10_embedded", median(e_deploy) * 1000, "ms",
                       note=f"backend.deploy(), median of {rounds}"))
    rows.append(Result("first_request10_embedded", median(e_first) * 1000, "ms",
                       note="first GET after deploy (in-process Lambda)"))
    with MiniStackServer() as server:
        backend = LocalStackBackend(endpoint=server.url)
        backend.start()
        try:
            _rounds(backend, 1)  # warm: IAM, clients, MiniStack's first Lambda
            l_deploy, l_first, l_close = _rounds(backend, rounds)
        finally:
            backend.close()
    fastest = min(l_deploy) * 1000
    rows.append(Result("deploy10_localstack_ministack", median(l_deploy) * 1000, "ms", vs="deploy10_embedded",
                       note=f"AWS API against MiniStack, median of {rounds}, min {fastest:.0f} ms"))
    rows.append(Result("first_request10_localstack_ministack", median(l_first) * 1000, "ms",
                       vs="first_request10_embedded", note="includes MiniStack's Lambda cold start"))
    rows.append(Result("destroy10_localstack_ministack", median(l_close) * 1000, "ms",
                       note="teardown in dependency order (informational)"))
    return rows


@bench("deploy_localstack", order=81, external=True)
def deploy_localstack(settings: Settings) -> list[Result]:
    """Registered row group for ``benchmarks/run.py``."""
    return measure(2 if settings.quick else 5)
