"""PNG plots of a run's rows (matplotlib, the optional ``bench`` extra): written by ``run.py``.

- ``deploy_and_routing.png``: deploy time (``deploy_N``, ms) and route-match cost
  (``route_match_N``, µs) against the API's route count ``N``.
- ``concurrency.png``: requests/s against concurrent connections (``floor_cN``,
  ``lambda_proxy_cN``), with the gateway's ratio to the floor at each point.

A plot whose rows were not run is left out; without matplotlib nothing is written and the
reason is returned.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from benchmarks.common import Result


def _series(results: Sequence[Result], prefix: str) -> list[tuple[int, float, Result]]:
    """``(N, value, row)`` of the rows named ``<prefix>N``, by ``N``."""
    found = []
    for row in results:
        match = re.fullmatch(re.escape(prefix) + r"(\d+)", row.name)
        if match and not row.error and not math.isnan(row.value):
            found.append((int(match.group(1)), row.value, row))
    return sorted(found, key=lambda item: item[0])


def _save(plt: Any, fig: Any, path: Path) -> Path:
    """Lay ``fig`` out, write it to ``path`` as a PNG and free it."""
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


def _error_bars(points: list[tuple[int, float, Result]]) -> list[list[float]]:
    """Spread as asymmetric error bars (zero where a row has none)."""
    low = [value - row.spread[0] if row.spread else 0.0 for _, value, row in points]
    high = [row.spread[1] - value if row.spread else 0.0 for _, value, row in points]
    return [low, high]


def write(results: Sequence[Result], folder: Path) -> tuple[list[Path], str | None]:
    """Write the plots the rows allow into ``folder``; the files and a reason when none could be."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return [], "matplotlib is not installed (pip install -e '.[bench]')"
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []

    deploys, matches = _series(results, "deploy_"), _series(results, "route_match_")
    if deploys or matches:
        fig, axes = plt.subplots(1, 2, figsize=(10, 4))
        for ax, points, label, unit in ((axes[0], deploys, "deploy", "ms"),
                                        (axes[1], matches, "Router.match", "µs per match")):
            if points:
                ax.errorbar([n for n, _, _ in points], [v for _, v, _ in points],
                            yerr=_error_bars(points), marker="o", capsize=3)
            ax.set_xlabel("routes in the API")
            ax.set_ylabel(unit)
            ax.set_title(f"{label} against route count")
            ax.set_ylim(0, max([v for _, v, _ in points] + [0.0]) * 1.25 or 1)
            ax.grid(alpha=0.3)
        written.append(_save(plt, fig, folder / "deploy_and_routing.png"))

    floor, gateway = _series(results, "floor_c"), _series(results, "lambda_proxy_c")
    if floor or gateway:
        fig, ax = plt.subplots(figsize=(6, 4))
        for points, label in ((floor, "floor (asyncio.Protocol, fixed bytes)"),
                              (gateway, "Lambda proxy (embedded gateway)")):
            if points:
                ax.errorbar([n for n, _, _ in points], [v for _, v, _ in points],
                            yerr=_error_bars(points), marker="o", capsize=3, label=label)
        for n, value, row in gateway:
            if row.paired_ratio is not None:
                ax.annotate(f"{row.paired_ratio:.2f}×", (n, value), textcoords="offset points",
                            xytext=(4, 6), fontsize=8)
        ax.set_xscale("log", base=2)
        ax.set_xticks([n for n, _, _ in floor or gateway], [str(n) for n, _, _ in floor or gateway])
        ax.set_xlabel("concurrent keep-alive connections")
        ax.set_ylabel("requests/s")
        ax.set_ylim(bottom=0)
        ax.set_title("requests/s against concurrent connections")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
        written.append(_save(plt, fig, folder / "concurrency.png"))
    return written, None
