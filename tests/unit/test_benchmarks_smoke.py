"""The benchmark harness still runs: a few rows in-process with tiny counts (nothing timed is asserted)."""

from __future__ import annotations

import json
import math

import pytest


@pytest.fixture(scope="module")
def run_module():
    from benchmarks import run

    return run


def test_quick_rows_produce_a_table(run_module, capsys):
    results = run_module.main(
        ["--quick", "--skip-external", "--only", "floor,lambda_proxy,deploy,routing",
         "--requests", "60", "--warmup", "10", "--time-limit", "3", "--no-plots"],
        progress=False,
    )
    out = capsys.readouterr().out
    by_name = {r.name: r for r in results}
    expected = ["floor", "floor_uvicorn", "lambda_proxy", "lambda_proxy_v1", "deploy_10", "deploy_300",
                "route_match_10", "route_match_300"]
    for name in expected:
        assert name in by_name, f"row {name} missing: {sorted(by_name)}"
        row = by_name[name]
        assert row.error is None, f"{name} failed: {row.error}"
        assert row.value > 0 and not math.isnan(row.value)
        assert any(line.startswith(name + " ") for line in out.splitlines()), out
    assert "ministack" not in by_name
    # the ratio column is computed against the floor
    assert run_module.ratio(by_name["lambda_proxy"], by_name) > 0
    # throughput rows carry server CPU, context switches and the per-round spread
    for name in ("floor", "floor_uvicorn", "lambda_proxy", "lambda_proxy_v1"):
        row = by_name[name]
        assert row.cpu_us is not None and row.cpu_us > 0, name
        assert row.switches is not None and row.switches > 0, name
        assert row.spread is not None and row.spread[0] <= row.spread[1], name
    header = out.splitlines()[0]
    assert "cpu µs/req" in header and "cs/req" in header and "spread" in header


def test_floor_answers_the_gateways_exact_bytes(run_module):
    import socket

    from benchmarks.bench_floor import RawServer, _read_response

    server = RawServer()
    try:
        with socket.create_connection(("127.0.0.1", server.port)) as sock:
            answers = []
            for _ in range(2):  # keep-alive: the same bytes again on the same connection
                sock.sendall(b"GET /items/42 HTTP/1.1\r\nHost: x\r\n\r\n")
                answers.append(_read_response(sock))
    finally:
        server.close()
    assert answers == [server.response] * 2
    assert server.response.startswith(b"HTTP/1.1 200 ")
    assert b"apigw-requestid" in server.response.lower()  # captured from the gateway itself


def test_concurrency_and_startup_rows_and_plots(run_module, tmp_path, capsys):
    results = run_module.main(
        ["--quick", "--only", "concurrency,session_start,first_deploy,process_cold_start,per_test",
         "--samples", "1", "--time-limit", "0.6", "--plots", str(tmp_path)],
        progress=False,
    )
    by_name = {r.name: r for r in results}
    for name in ("floor_c1", "lambda_proxy_c1", "floor_c16", "lambda_proxy_c16", "first_deploy",
                 "process_cold_start", "process_cold_start_first", "process_cold_start_spawn", "per_test",
                 "per_test_open_client"):
        assert name in by_name and by_name[name].error is None, (name, by_name.get(name))
        assert by_name[name].value > 0
    assert by_name["lambda_proxy_c16"].paired_ratio > 0
    # a difference of two sessions' CPU: one sample may come out negative on a busy machine
    assert by_name["session_start"].error is None and "modules imported" in by_name["session_start"].note
    try:
        import matplotlib  # noqa: F401  (the optional bench extra)
    except ImportError:
        return
    assert sorted(p.name for p in tmp_path.iterdir()) == ["concurrency.png"]  # no deploy rows ran
    assert (tmp_path / "concurrency.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_failing_bench_is_a_failed_row(run_module, capsys):
    from benchmarks.common import REGISTRY, bench

    @bench("smoke_broken", order=999)
    def broken(settings):
        raise RuntimeError("boom")

    try:
        results = run_module.main(["--quick", "--only", "smoke_broken"], progress=False)
    finally:
        REGISTRY.pop("smoke_broken", None)
    out = capsys.readouterr().out
    assert [r.name for r in results] == ["smoke_broken"]
    assert results[0].error and "boom" in results[0].error
    assert "FAILED" in out and "boom" in out


def test_every_bench_module_imports_and_json(run_module, capsys):
    benches, failures = run_module.discover()
    assert not failures, [f.error for f in failures]
    names = {b.name for b in benches}
    assert {"floor", "lambda_proxy", "ministack", "deploy", "routing"} <= names
    run_module.main(["--quick", "--only", "routing", "--json"], progress=False)
    rows = json.loads(capsys.readouterr().out)
    assert {r["row"] for r in rows} >= {"route_match_10", "route_match_300"}
