"""Start-up rows: the session's start, its first ``apigw.deploy``, and process cold starts.

``first_deploy`` runs a real pytest session in a fresh interpreter (``-p no:cacheprovider``,
this checkout's plugin) whose one test times its first deployment of a one-route Lambda-proxy
API: getting the backend (importing and making it), starting its loop, then ``apigw.deploy``
(gateway, listener and whatever they import on first use). Median of several sessions;
target ≤ 30 ms; the note splits the three parts and gives the session's CPU for them.

``session_start``: what loading the plugins costs a pytest session that deploys nothing: the CPU
of a session (interpreter start to its one test) with pytest-apigw's plugins minus the same
session with them disabled (``-p no:apigw ...``), the two alternating; the note gives the modules
the plugins import.

Both session rows run with the bytecode cache, as an installed package has it (``pip`` compiles
on install; one untimed session first writes what is missing, whatever
``PYTHONDONTWRITEBYTECODE`` says). ``PYTEST_APIGW_NO_BYTECODE=1`` measures without it: every
module compiled from source (an empty ``PYTHONPYCACHEPREFIX``, nothing written).

``process_cold_start``: ``backend.deploy`` of a new ``isolation="process"`` function and its
first 200 over ``http.client`` (worker made, handler module imported, first invocation), with
the backend's worker template already warm, median of several functions; target ≤ 30 ms.

``per_test``: what one test of a user's suite costs, start to start of consecutive tests in one
session (deploy a one-route API, one request through ``deployment.client()``, teardown, the
report's hooks); ``per_test_open_client`` the same with the client left open (its idle
connection closed by the teardown); informational.
``process_cold_start_first`` is the same for the first process-isolated function of a backend
(the template's own start included); ``process_cold_start_spawn`` is the same with the template
switched off (a new interpreter per worker: what it cost before the template).
"""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
import textwrap
from pathlib import Path
from typing import Any

from benchmarks.common import ROOT, Client, Result, Settings, bench, clock, median
from benchmarks.processes import PYTHON

FIRST_DEPLOY_TEST = textwrap.dedent('''
    import json, os, sys, time

    from pytest_apigw import Function, HttpApi, HttpMethod, LambdaProxyIntegration


    def handler(event, context):
        return {"statusCode": 200, "body": "ok"}


    def test_first_deploy(apigw, request):
        api = HttpApi("First")
        api.add_routes(path="/first", methods=[HttpMethod.GET],
                       integration=LambdaProxyIntegration(handler=Function("F", handler=handler)))
        modules = len(sys.modules)
        cpu = time.process_time()
        start = time.perf_counter()
        backend = request.getfixturevalue("apigw_backend")
        made = time.perf_counter()
        backend.start()
        started = time.perf_counter()
        apigw.deploy(api)
        done = time.perf_counter()
        with open(os.environ["BENCH_STARTUP_OUT"], "w") as out:
            json.dump({"backend": made - start, "start": started - made, "deploy": done - started,
                       "total": done - start, "cpu": time.process_time() - cpu,
                       "modules": len(sys.modules) - modules}, out)
''')

SESSION_START_TEST = textwrap.dedent('''
    import json, os, sys, time


    def test_session_start():
        with open(os.environ["BENCH_STARTUP_OUT"], "w") as out:
            json.dump({"cpu": time.process_time(), "modules": sorted(sys.modules)}, out)
''')

PER_TEST_TEST = textwrap.dedent('''
    import json, os, time

    import pytest

    from pytest_apigw import Function, HttpApi, HttpMethod, LambdaProxyIntegration

    TESTS = int(os.environ["BENCH_PER_TEST_COUNT"])
    MARKS = []


    def handler(event, context):
        return {"statusCode": 200, "body": event["rawPath"]}


    @pytest.mark.parametrize("i", range(TESTS))
    def test_one(apigw, i):
        MARKS.append(time.perf_counter())
        api = HttpApi("PerTest")
        api.add_routes(path="/{item}", methods=[HttpMethod.GET],
                       integration=LambdaProxyIntegration(handler=Function("F", handler=handler)))
        deployment = apigw.deploy(api)
        if os.environ.get("BENCH_PER_TEST_OPEN"):  # the client left open, its connection idle
            assert deployment.client().get(f"/{i}").text == f"/{i}"
        else:
            with deployment.client() as client:
                assert client.get(f"/{i}").text == f"/{i}"
        if i == TESTS - 1:
            with open(os.environ["BENCH_STARTUP_OUT"], "w") as out:
                json.dump({"per_test": (MARKS[-1] - MARKS[0]) / (TESTS - 1)}, out)
''')

#: ``-p no:NAME`` for each of this project's pytest11 entry points (``session_start``'s baseline).
WITHOUT_PLUGINS = ("-p", "no:apigw", "-p", "no:apigw_embedded", "-p", "no:apigw_localstack")
#: Set (to anything) to measure the session rows without the bytecode cache.
NO_BYTECODE = "PYTEST_APIGW_NO_BYTECODE"


def _session_env(folder: Path, out: Path) -> dict[str, str]:
    """A measured session's environment: bytecode cached and written, unless :data:`NO_BYTECODE`."""
    env = {**os.environ, "BENCH_STARTUP_OUT": str(out), "PYTHONPATH": str(ROOT)}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.pop("PYTHONPYCACHEPREFIX", None)
    if os.environ.get(NO_BYTECODE):
        empty = folder / "no-pycache"
        empty.mkdir(exist_ok=True)
        env.update(PYTHONDONTWRITEBYTECODE="1", PYTHONPYCACHEPREFIX=str(empty))
    return env


def _bytecode_note() -> str:
    if os.environ.get(NO_BYTECODE):
        return "no bytecode cache"
    return f"bytecode cached ({NO_BYTECODE}=1: without)"


def _session(folder: Path, test: str, *args: str, env: dict[str, str] | None = None) -> dict[str, Any]:
    """Run one pytest session on ``folder / test`` (``env``: more of its environment) and return
    what its test wrote."""
    out = folder / "result.json"
    proc = subprocess.run(
        [PYTHON, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:randomly", "-x", *args,
         str(folder / test)],
        cwd=folder, env={**_session_env(folder, out), **(env or {})}, capture_output=True, text=True,
        timeout=120,
    )
    if proc.returncode != 0 or not out.exists():
        raise RuntimeError(f"the {test} session failed: {proc.stdout[-800:]}{proc.stderr[-800:]}")
    result: dict[str, Any] = json.loads(out.read_text())
    out.unlink()
    return result


@bench("first_deploy", order=70)
def first_deploy(settings: Settings) -> Result:
    runs = settings.repeats(7, 3)
    with tempfile.TemporaryDirectory(prefix="bench-first-deploy-") as tmp:
        folder = Path(tmp)
        (folder / "test_first_deploy.py").write_text(FIRST_DEPLOY_TEST)
        _session(folder, "test_first_deploy.py")  # untimed: writes the bytecode still missing
        samples = [_session(folder, "test_first_deploy.py") for _ in range(runs)]
    part = {key: median([s[key] for s in samples]) * 1000
            for key in ("backend", "start", "deploy", "total", "cpu")}
    totals = [s["total"] * 1000 for s in samples]
    return Result(
        "first_deploy", part["total"], "ms", limit=("<=", 30), spread=(min(totals), max(totals)),
        note=f"first apigw.deploy of a pytest session, median of {runs} sessions: backend made "
             f"{part['backend']:.1f} ms (imports), loop started {part['start']:.1f} ms, deploy "
             f"{part['deploy']:.1f} ms; CPU {part['cpu']:.1f} ms; "
             f"{median([s['modules'] for s in samples]):.0f} modules imported; {_bytecode_note()}",
    )


@bench("session_start", order=69)
def session_start(settings: Settings) -> Result:
    runs = settings.repeats(7, 3)
    with_plugins: list[dict[str, Any]] = []
    without: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="bench-session-start-") as tmp:
        folder = Path(tmp)
        (folder / "test_session_start.py").write_text(SESSION_START_TEST)
        _session(folder, "test_session_start.py")  # untimed: writes the bytecode still missing
        for _ in range(runs):
            with_plugins.append(_session(folder, "test_session_start.py"))
            without.append(_session(folder, "test_session_start.py", *WITHOUT_PLUGINS))
    cpu_with = median([s["cpu"] for s in with_plugins]) * 1000
    cpu_without = median([s["cpu"] for s in without]) * 1000
    costs = [(a["cpu"] - b["cpu"]) * 1000 for a, b in zip(with_plugins, without, strict=True)]
    modules = set(with_plugins[-1]["modules"]) - set(without[-1]["modules"])
    own = sum(name.split(".")[0].startswith("pytest_apigw") for name in modules)
    # no spread column: in percent of a small difference between two large CPU times it says
    # little; the note gives the range of the per-pair differences instead
    return Result(
        "session_start", cpu_with - cpu_without, "ms",
        note=f"CPU the plugins add to a pytest session's start: median of {runs} sessions with them "
             f"({cpu_with:.0f} ms) minus {runs} without ({cpu_without:.0f} ms; pairs differ by "
             f"{min(costs):.0f} to {max(costs):.0f} ms); {len(modules)} more modules imported "
             f"({own} of this project); {_bytecode_note()}",
    )


@bench("per_test", order=72)
def per_test(settings: Settings) -> list[Result]:
    runs = settings.repeats(5, 2)
    tests = 50 if settings.quick else 200
    args = ("--apigw", "--apigw-no-conformance")
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-per-test-") as tmp:
        folder = Path(tmp)
        (folder / "test_per_test.py").write_text(PER_TEST_TEST)
        count = {"BENCH_PER_TEST_COUNT": str(tests)}  # read by the session's test module
        _session(folder, "test_per_test.py", *args, env=count)  # untimed: writes the bytecode still missing
        for name, how in (("per_test", "closed"), ("per_test_open_client", "left open")):
            env = {**count, "BENCH_PER_TEST_OPEN": "1" if how == "left open" else ""}
            samples = [_session(folder, "test_per_test.py", *args, env=env)["per_test"] * 1000
                       for _ in range(runs)]
            rows.append(Result(
                name, median(samples), "ms", spread=(min(samples), max(samples)),
                note=f"one test of a suite: deploy a one-route Lambda-proxy API, one request through "
                     f"deployment.client() (then {how}), teardown, the report's hooks; {tests} tests a "
                     f"session, median of {runs} sessions (informational)",
            ))
    return rows


def _api(function: object) -> object:
    from pytest_apigw import HttpApi, LambdaProxyIntegration

    api = HttpApi("Cold")
    api.add_routes(path="/items/{id}", methods=["GET"], integration=LambdaProxyIntegration(handler=function))
    return api


def _cold_start(backend: object, name: str) -> float:
    """Seconds from deploying a new process-isolated function to its first 200."""
    from pytest_apigw import Function

    function = Function(name, handler="benchmarks.process_handler.hello", isolation="process")
    api = _api(function)
    start = clock()
    deployment = backend.deploy(api)  # type: ignore[attr-defined]
    client = Client(deployment.url.rstrip("/") + "/items/42")
    try:
        status, body = client.get()
    finally:
        client.close()
    seconds = clock() - start
    if status != 200:
        raise RuntimeError(f"cold start answered {status}: {body[:200]!r}")
    backend.destroy(deployment)  # type: ignore[attr-defined]
    return seconds


def _ms_row(name: str, samples: list[float], note: str, limit: tuple[str, float] | None = None) -> Result:
    ms = [s * 1000 for s in samples]
    return Result(name, median(ms), "ms", limit=limit, spread=(min(ms), max(ms)) if len(ms) > 1 else None,
                  note=f"median of {len(ms)}; {note}")


@bench("process_cold_start", order=71)
def process_cold_start(settings: Settings) -> list[Result]:
    from pytest_apigw_embedded.backend import EmbeddedBackend
    from pytest_apigw_embedded.lambda_runtime.process import ProcessRuntime

    rows: list[Result] = []
    firsts: list[float] = []
    warm: list[float] = []
    for round_ in range(settings.repeats(3, 2)):
        backend = EmbeddedBackend()
        backend.start()
        try:
            firsts.append(_cold_start(backend, f"First{round_}"))
            warm += [_cold_start(backend, f"Warm{round_}x{i}") for i in range(settings.repeats(6, 3))]
        finally:
            backend.close()
    template = ProcessRuntime.use_template
    rows.append(_ms_row("process_cold_start", warm, limit=("<=", 30),
                        note="deploy → first 200 of a new isolation='process' function, worker "
                             f"template warm ({'on' if template else 'OFF: not supported here'})"))
    rows.append(_ms_row("process_cold_start_first", firsts,
                        note="the same for a backend's first process-isolated function (the "
                             "template's own start included)"))
    ProcessRuntime.use_template = False
    backend = EmbeddedBackend()
    backend.start()
    try:
        spawned = [_cold_start(backend, f"Spawn{i}") for i in range(settings.repeats(6, 3))]
    finally:
        backend.close()
        ProcessRuntime.use_template = template
    rows.append(_ms_row("process_cold_start_spawn", spawned,
                        note="the same with the template off: a new interpreter per worker"))
    return rows
