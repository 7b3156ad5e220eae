"""``benchmarks/profile_chain.py`` still runs: the chain answers its request 200 through the lean
protocol (checked by the script itself) and a CPU figure and the call counts come out (nothing
timed is asserted)."""

from __future__ import annotations

import re


def test_profile_chain_reports_cpu_and_calls_per_request(capsys):
    from benchmarks import profile_chain

    profile_chain.main(["--requests", "50", "--rounds", "2", "--profile", "--top", "60"])
    out = capsys.readouterr().out
    calls = re.search(r"function calls per request: ([0-9.]+)", out)
    assert calls is not None and float(calls.group(1)) > 10, out
    assert re.search(r"chain CPU per request over 2 rounds of 50: best [0-9.]+ µs", out), out
    assert "build_event_v2" in out and "http_protocol.py" in out  # the chain's own functions, profiled


def test_profile_chain_runs_the_payload_1_0_request(capsys):
    from benchmarks import profile_chain

    profile_chain.main(["--requests", "50", "--rounds", "2", "--profile", "--top", "500", "--payload", "1.0"])
    out = capsys.readouterr().out
    assert re.search(r"function calls per request: ([0-9.]+)", out), out
    assert "build_event_v1" in out and "map_response_v1" in out  # the 1.0 route was served
