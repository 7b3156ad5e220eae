"""``benchmarks/profile_hop.py`` still runs: each proxied route relays the stand-in upstream's
answer through the lean protocol (checked by the script itself) and a CPU figure and the call
counts come out (nothing timed is asserted)."""

from __future__ import annotations

import re


def test_profile_hop_reports_cpu_and_calls_per_request_for_each_route(capsys):
    from benchmarks import profile_hop

    profile_hop.main(["--requests", "50", "--rounds", "2", "--profile", "--top", "80"])
    out = capsys.readouterr().out
    for route in ("alb", "cloud_map", "proxy"):
        found = re.search(rf"{route}: hop CPU per request over 2 rounds of 50: best [0-9.]+ µs.*, "
                          r"([0-9.]+) function calls per request", out)
        assert found is not None and float(found.group(1)) > 10, out
    assert "forward.py" in out and "client.py" in out  # the hop's own functions, profiled


def test_profile_hop_measures_the_chain_alone_with_chain(capsys):
    import pytest_apigw_embedded.integrations.alb as alb

    from benchmarks import profile_hop

    build = alb.build
    try:
        profile_hop.main(["--chain", "--requests", "50", "--rounds", "2", "--profile", "--top", "80"])
    finally:
        alb.build = build  # --chain replaces the ALB integration for the rest of the process
    out = capsys.readouterr().out
    assert re.search(r"chain: hop CPU per request over 2 rounds of 50: best [0-9.]+ µs.*, "
                     r"[0-9.]+ function calls per request", out), out
    assert "forward.py" not in out  # nothing went upstream
