"""Run the benchmarks and print one table: ``python benchmarks/run.py [--quick] [--only ROWS] ...``.

Every ``bench_*.py`` module in this folder is imported and its ``@bench`` functions (or the
callables in its ``ROWS`` list) run in table order. A module that fails to import, or a bench that
raises, becomes a ``FAILED`` row with the reason; the rest still run.
"""

from __future__ import annotations

import argparse
import contextlib
import fnmatch
import importlib
import json
import math
import sys
import time
import traceback
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks import common  # noqa: E402
from benchmarks.common import REGISTRY, Bench, Result, Settings, failed  # noqa: E402


def discover() -> tuple[list[Bench], list[Result]]:
    """Import every ``bench_*.py``; the registered benches (table order) and import failures."""
    failures: list[Result] = []
    for path in sorted(common.HERE.glob("bench_*.py")):
        name = f"benchmarks.{path.stem}"
        try:
            module = importlib.import_module(name)
        except Exception as exc:  # a broken module is one failed row, not a broken harness
            failures.append(failed(path.stem.removeprefix("bench_"), f"import failed: {exc!r}"))
            continue
        for i, item in enumerate(getattr(module, "ROWS", ()) or ()):
            if isinstance(item, Bench):
                REGISTRY.setdefault(item.name, item)
            elif callable(item):
                bench_name = getattr(item, "__name__", f"{path.stem}_{i}")
                REGISTRY.setdefault(bench_name, Bench(bench_name, item, module=name))
    return sorted(REGISTRY.values(), key=lambda b: (b.order, b.name)), failures


def selected(benches: Sequence[Bench], only: str | None) -> list[Bench]:
    """The benches named (or glob-matched) by ``--only a,b*``; all without it."""
    if not only:
        return list(benches)
    patterns = [p.strip() for p in only.split(",") if p.strip()]
    return [b for b in benches if any(fnmatch.fnmatchcase(b.name, p) for p in patterns)]


def run_benches(benches: Sequence[Bench], settings: Settings, *, progress: bool = True) -> list[Result]:
    """Run each bench, catching failures; the rows in order."""
    results: list[Result] = []
    for item in benches:
        if settings.skip_external and item.external:
            continue
        if progress:
            print(f"  running {item.name} ...", file=sys.stderr, flush=True)
        start = time.perf_counter()
        try:
            out = item.func(settings)
            rows = [out] if isinstance(out, Result) else list(out)
            for row in rows:
                row.bench = row.bench or item.name
        except Exception as exc:
            detail = traceback.format_exc(limit=-3) if progress else ""
            if detail:
                print(detail, file=sys.stderr)
            rows = [failed(item.name, f"{type(exc).__name__}: {exc}", item.name)]
        if progress:
            print(f"  ... {item.name} took {time.perf_counter() - start:.1f} s", file=sys.stderr, flush=True)
        results.extend(rows)
    return results


def ratio(row: Result, by_name: dict[str, Result]) -> float | None:
    """``value / vs`` (``vs / value`` when ``inverse``), or ``None`` when not computable."""
    if row.error:
        return None
    if row.paired_ratio is not None:
        return row.paired_ratio
    if row.vs is None:
        return None
    other = by_name.get(row.vs)
    if other is None or other.error or not other.value or math.isnan(other.value) or not row.value:
        return None
    if math.isnan(row.value):
        return None
    return other.value / row.value if row.inverse else row.value / other.value


def _holds(value: float | None, check: tuple[str, float]) -> bool | None:
    if value is None or math.isnan(value):
        return None
    op, bound = check
    return value >= bound if op == ">=" else value <= bound


def verdict(row: Result, r: float | None) -> str:
    """``ok``, ``MISS`` or ``?`` (not computable) for the row's target and limit; blank if none."""
    checks = []
    if row.target is not None:
        checks.append(_holds(r, row.target))
    if row.limit is not None:
        checks.append(_holds(row.value, row.limit))
    if not checks:
        return ""
    if any(c is False for c in checks):
        return "MISS"
    return "?" if any(c is None for c in checks) else "ok"


def _fmt_value(row: Result) -> str:
    if row.error:
        return "FAILED"
    if math.isnan(row.value):
        return "-"
    if row.unit == "req/s":
        return f"{row.value:,.0f}"
    if row.value >= 100:
        return f"{row.value:,.0f}"
    if row.value >= 10:
        return f"{row.value:.1f}"
    return f"{row.value:.3g}" if row.value < 1 else f"{row.value:.2f}"


def _fmt_target(row: Result) -> str:
    signs = {">=": "≥", "<=": "≤"}
    parts = []
    if row.target is not None:
        parts.append(f"{signs.get(row.target[0], row.target[0])} {row.target[1]:g}×")
    if row.limit is not None:
        parts.append(f"{signs.get(row.limit[0], row.limit[0])} {row.limit[1]:g} {row.unit}")
    return ", ".join(parts)


def _fmt_spread(row: Result) -> str:
    """The per-round range around the value, in percent of it (``-8%/+5%``)."""
    if row.spread is None or row.error or not row.value or math.isnan(row.value):
        return ""
    low, high = row.spread
    return f"{(low / row.value - 1) * 100:+.0f}%/{(high / row.value - 1) * 100:+.0f}%"


def _fmt_usage(value: float | None, digits: str) -> str:
    return "" if value is None or math.isnan(value) else format(value, digits)


def table(results: Sequence[Result]) -> str:
    """The results as one aligned text table."""
    by_name = {r.name: r for r in results if not r.error}
    header = ("row", "value", "unit", "spread", "cpu µs/req", "cs/req", "ratio", "ratio of", "target", "",
              "notes")
    lines: list[tuple[str, ...]] = []
    for row in results:
        r = ratio(row, by_name)
        if row.vs is None:
            of = ""
        else:
            of = f"{row.vs} / {row.name}" if row.inverse else f"{row.name} / {row.vs}"
            if row.vs == row.name:
                of = "(baseline)"
            elif row.paired_ratio is not None:
                of += " (paired)"
        note = f"{row.error}" if row.error else row.note
        lines.append((
            row.name, _fmt_value(row), row.unit, _fmt_spread(row), _fmt_usage(row.cpu_us, ".0f"),
            _fmt_usage(row.switches, ".2f"), "" if r is None else f"{r:,.3g}×", of,
            _fmt_target(row), verdict(row, r), note,
        ))
    widths = [max(len(h), *(len(line[i]) for line in lines)) if lines else len(h)
              for i, h in enumerate(header)]
    right = {1, 3, 4, 5, 6}

    def fmt(cells: Sequence[str]) -> str:
        pairs = enumerate(zip(cells, widths, strict=True))
        out = [c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in pairs]
        return "  ".join(out).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([fmt(header), rule, *(fmt(line) for line in lines)])


def as_json(results: Sequence[Result]) -> list[dict[str, object]]:
    by_name = {r.name: r for r in results if not r.error}
    out = []
    for row in results:
        r = ratio(row, by_name)
        out.append({
            "row": row.name, "bench": row.bench, "value": None if math.isnan(row.value) else row.value,
            "unit": row.unit, "vs": row.vs, "inverse": row.inverse, "ratio": r,
            "target": list(row.target) if row.target else None,
            "limit": list(row.limit) if row.limit else None, "verdict": verdict(row, r) or None,
            "note": row.note, "error": row.error, "cpu_us_per_request": row.cpu_us,
            "switches_per_request": row.switches, "spread": list(row.spread) if row.spread else None,
        })
    return out


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="small counts, no informational extras (< 30 s)")
    parser.add_argument("--only", metavar="ROWS",
                        help="comma-separated bench names or globs (e.g. floor,lambda_*)")
    parser.add_argument("--requests", type=int, metavar="N", help="timed requests per throughput row")
    parser.add_argument("--time-limit", type=float, metavar="S", help="cap of one timed loop in seconds")
    parser.add_argument("--warmup", type=int, metavar="N", help="untimed requests before each timed loop")
    parser.add_argument("--samples", type=int, metavar="N",
                        help="rounds / sessions / functions of the sample-based rows (startup, concurrency)")
    parser.add_argument("--skip-external", action="store_true", help="leave out MiniStack/LocalStack rows")
    parser.add_argument("--json", nargs="?", const="-", metavar="PATH",
                        help="also write the rows as JSON (to PATH, or stdout instead of the table)")
    parser.add_argument("--list", action="store_true", help="list the discovered benches and exit")
    parser.add_argument("--plots", metavar="DIR", default=str(common.HERE / "out"),
                        help="folder for the PNG plots (default benchmarks/out; needs the bench extra)")
    parser.add_argument("--no-plots", action="store_true", help="write no plots")
    return parser.parse_args(argv)


def settings_from(args: argparse.Namespace) -> Settings:
    settings = Settings(quick=args.quick, requests=args.requests, skip_external=args.skip_external,
                        samples=args.samples)
    if args.quick:
        settings.time_limit, settings.warmup = 2.0, 100
    if args.time_limit is not None:
        settings.time_limit = args.time_limit
    if args.warmup is not None:
        settings.warmup = args.warmup
    return settings


def main(argv: Sequence[str] | None = None, *, progress: bool = True) -> list[Result]:
    """Run what the arguments select, print the table (or JSON); the rows."""
    args = parse_args(argv)
    benches, failures = discover()
    if args.list:
        for b in benches:
            print(f"{b.name:24} order={b.order:<4} {'external ' if b.external else ''}{b.module}")
        for f in failures:
            print(f"{f.name:24} FAILED {f.error}")
        return failures
    settings = settings_from(args)
    chosen = selected(benches, args.only)
    if args.only:
        patterns = [p.strip() for p in args.only.split(",")]
        failures = [f for f in failures if any(fnmatch.fnmatchcase(f.name, p) for p in patterns)]
    start = time.perf_counter()
    results = failures + run_benches(chosen, settings, progress=progress)
    elapsed = time.perf_counter() - start
    if args.json == "-":
        print(json.dumps(as_json(results), indent=2))
    else:
        print(table(results))
        print(f"\n{len(results)} rows in {elapsed:.1f} s; client: http.client keep-alive, one connection; "
              f"python {sys.version.split()[0]}{' (--quick)' if args.quick else ''}")
        if args.json:
            with contextlib.suppress(OSError), open(args.json, "w") as out:
                json.dump(as_json(results), out, indent=2)
    if not args.no_plots:
        from benchmarks import plots

        written, reason = plots.write(results, Path(args.plots))
        for path in written:
            print(f"plot: {path}", file=sys.stderr)
        if reason and progress:
            print(f"plots skipped: {reason}", file=sys.stderr)
    return results


if __name__ == "__main__":
    main()
