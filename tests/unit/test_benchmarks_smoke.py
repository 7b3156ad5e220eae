"""The benchmark harness still runs: a few rows in-process with tiny counts (nothing timed is asserted)."""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def run_module():
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from benchmarks import run

    return run


def test_quick_rows_produce_a_table(run_module, capsys):
    results = run_module.main(
        ["--quick", "--skip-external", "--only", "floor,lambda_proxy,deploy,routing",
         "--requests", "60", "--warmup", "10", "--time-limit", "3"],
        progress=False,
    )
    out = capsys.readouterr().out
    by_name = {r.name: r for r in results}
    expected = ["floor", "lambda_proxy", "deploy_10", "deploy_300", "route_match_10", "route_match_300"]
    for name in expected:
        assert name in by_name, f"row {name} missing: {sorted(by_name)}"
        row = by_name[name]
        assert row.error is None, f"{name} failed: {row.error}"
        assert row.value > 0 and not math.isnan(row.value)
        assert any(line.startswith(name + " ") for line in out.splitlines()), out
    assert "ministack" not in by_name
    # the ratio column is computed against the floor
    assert run_module.ratio(by_name["lambda_proxy"], by_name) > 0


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
