"""The template-import benchmark rows still run (nothing timed is asserted)."""

from __future__ import annotations

import math


def test_template_rows_run(capsys):
    from benchmarks import run

    results = {r.name: r for r in run.main(["--quick", "--only", "templates"], progress=False)}
    for name in ("vocabulary_50", "template_import_50", "template_import_300"):
        assert results[name].error is None, results[name].error
        assert results[name].value > 0 and not math.isnan(results[name].value)
    assert "template_import_50" in capsys.readouterr().out
