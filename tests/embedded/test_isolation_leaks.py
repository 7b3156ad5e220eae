"""Memory and processes stay flat over a long session (issue 11): threads, file descriptors,
child processes and RSS counted after many deployments and deploy/teardown cycles."""

from __future__ import annotations

import os
import threading

import httpx
import pytest

from pytest_apigw import Function, HttpApi, LambdaProxyIntegration
from pytest_apigw.invocations import LOG
from tests.embedded.handlers import isolated

MIB = 1024 * 1024
#: Measured deploy/teardown cycles after the warm-up's 50 (test_350_deploy_teardown_cycles...).
CYCLES = 300

pytestmark = pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="counts read /proc")


def _rss() -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    raise AssertionError("no VmRSS")


def _descendants() -> set[int]:
    """Live (not zombie) processes below this one: children, and workers forked by a child."""
    parents: dict[int, int] = {}
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/stat") as stat:
                fields = stat.read().rpartition(")")[2].split()
        except OSError:
            continue
        if fields[0] != "Z":
            parents[int(pid)] = int(fields[1])
    found: set[int] = set()
    frontier = {os.getpid()}
    while frontier:
        frontier = {pid for pid, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def _children(exclude: set[int] | None = None) -> int:
    return len(_descendants() - (exclude or set()))


def _worker_template(backend) -> set[int]:
    """The process runtime's warm template (it lives as long as the backend, not a deployment)."""
    runtime = backend.services.lambda_runtime(Function("Probe", handler=size, isolation="process"))
    pid = runtime.template_pid
    return set() if pid is None else {pid}


def _counts() -> dict[str, int]:
    return {"threads": threading.active_count(), "fds": len(os.listdir("/proc/self/fd")),
            "children": _children()}


def size(event, context):
    """Answer the request body's length."""
    return {"statusCode": 200, "body": str(len(event.get("body") or ""))}


def _api(isolation: str = "inprocess", handler=size) -> HttpApi:
    api = HttpApi("Leak")
    api.add_routes(path="/r", methods=["ANY"], integration=LambdaProxyIntegration(
        handler=Function("Size", handler=handler, isolation=isolation)))
    return api


def test_worker_processes_end_with_their_deployment(apigw, apigw_backend):
    with apigw.deployed(_api("process", isolated.env_and_context)) as deployment:  # the template starts
        httpx.get(f"{deployment.url}/r", timeout=30)
    template = _worker_template(apigw_backend)
    before = _children(template)
    for _ in range(12):
        with apigw.deployed(_api("process", isolated.env_and_context)) as deployment:
            assert httpx.get(f"{deployment.url}/r", timeout=30).json()["pid"] != os.getpid()
            assert _children(template) == before + 1
        assert _children(template) == before  # ended with the deployment, not at the session's end
    # A function shared by two deployments keeps its worker until the last one goes.
    api = _api("process", isolated.env_and_context)
    first = apigw.deploy(api)
    with apigw.deployed(api) as second:
        pid = httpx.get(f"{second.url}/r", timeout=30).json()["pid"]
    assert httpx.get(f"{first.url}/r", timeout=30).json()["pid"] == pid
    assert _children(template) == before + 1


def test_200_deployments_leave_threads_fds_and_processes_flat(apigw):
    client = httpx.Client(timeout=10)
    with apigw.deployed(_api()) as warm:  # first use starts the loop, pools, clients
        client.post(f"{warm.url}/r", content=b"x")
    start = _counts()
    live = [apigw.deploy(_api()) for _ in range(200)]
    for deployment in live[::20]:
        answer = client.post(f"{deployment.url}/r", content=b"abc", headers={"content-type": "text/plain"})
        assert answer.text == "3"
    for deployment in live:
        apigw._deployments.remove(deployment)
        deployment.close()
    client.close()
    end = _counts()
    assert end["children"] == start["children"]
    assert end["threads"] <= start["threads"] + 2
    assert end["fds"] <= start["fds"] + 4


def test_350_deploy_teardown_cycles_with_1_mib_bodies_keep_rss_flat(apigw):
    """RSS grows by less than 69 KiB a cycle after warm-up: a kept 1 MiB body (or anything near
    its size) fails at once. Measured growth: 6 MiB after 300 cycles, 17-18 MiB after 950 (the
    invocation log filling its budget), so the bound keeps a margin of three. 950 cycles, as this
    test once ran, had the same per-cycle bound (64 MiB) at three times the CPU; objects a
    deployment keeps are counted exactly by ``test_handlers_and_what_they_hold_are_freed...``."""
    body = b"a" * MIB
    client = httpx.Client(timeout=10, headers={"content-type": "text/plain"})

    def cycle() -> None:
        with apigw.deployed(_api()) as deployment:
            assert client.post(f"{deployment.url}/r", content=body).text == str(MIB)

    for _ in range(50):  # warm-up: allocator pools, thread stacks, caches
        cycle()
    start, rss = _counts(), _rss()
    for _ in range(CYCLES):
        cycle()
    client.close()
    end, grown = _counts(), _rss() - rss
    entries, kept = LOG.size
    assert kept <= 16 * MIB  # the invocation log's byte budget holds within a test
    assert grown < CYCLES * 69 * 1024, f"RSS grew {grown / MIB:.0f} MiB over {CYCLES} cycles"
    assert end["children"] == start["children"]
    assert end["threads"] <= start["threads"] + 2
    assert end["fds"] <= start["fds"] + 4


def test_handlers_and_what_they_hold_are_freed_with_their_deployment(apigw):
    import gc
    import weakref

    class Held:
        """Something big a handler's closure holds (a fixture's data, a client...)."""

    held = Held()
    ref = weakref.ref(held)

    def handler(event, context, held=held):
        return {"statusCode": 200, "body": type(held).__name__}

    with apigw.deployed(_api(handler=handler)) as deployment:
        assert httpx.get(f"{deployment.url}/r", timeout=10).text == "Held"
    del handler, held, deployment
    for _ in range(3):
        gc.collect()
    assert ref() is None
