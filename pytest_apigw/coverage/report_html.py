"""The HTML coverage report: one self-contained page (inline CSS, no script, no external file).

Machine-readable too: every route row is a ``<tr class="route">`` whose ``data-*`` attributes
hold the route key, its request count and whether it was ever requested.
"""

from __future__ import annotations

from html import escape
from pathlib import Path
from typing import Any

from pytest_apigw.coverage import data as model
from pytest_apigw.coverage.terminal import authorizer_note, statuses

_STYLE = """
body{font-family:system-ui,sans-serif;margin:2rem;color:#222}
h1{font-size:1.4rem}h2{font-size:1.1rem;margin-top:2rem}
table{border-collapse:collapse;min-width:40rem}
th,td{border:1px solid #ccc;padding:.3rem .6rem;text-align:left;font-family:ui-monospace,monospace}
tr.never td{background:#fde8e8}tr.partial td{background:#fff6dd}tr.covered td{background:#e8f6ea}
.note{color:#666}
"""


def _route_row(key: str, route: dict[str, Any]) -> str:
    never = not route["requests"]
    partial = bool(route["authorizer"]) and not never and not (route["allowed"] and route["refused"])
    css = "never" if never else "partial" if partial else "covered"
    cells = [key, str(route["requests"]), statuses(route["statuses"]),
             f"{route['integration']} ({route['construct']})", authorizer_note(route) or "-"]
    tds = "".join(f"<td>{escape(cell)}</td>" for cell in cells)
    return (f'<tr class="route {css}" data-route-key="{escape(key)}" data-requests="{route["requests"]}" '
            f'data-requested="{str(not never).lower()}">{tds}</tr>')


def _api_section(api: dict[str, Any]) -> str:
    total = len(api["routes"])
    title = f"{api['kind']} {api['name']}"
    if not api["collected"]:
        return (f'<section class="api" data-api="{escape(api["name"])}"><h2>{escape(title)}</h2>'
                f'<p class="note">{total} routes; requests not collected on this backend</p></section>')
    covered = sum(1 for route in api["routes"].values() if route["requests"])
    summary = (f"{covered}/{total} routes requested ({model.percent(covered, total):.1f}%), "
               f"{api['deployments']} deployment(s), {api['unmatched']['requests']} request(s) matched no "
               f"route ({statuses(api['unmatched']['statuses'])})")
    sources = "; ".join(api.get("sources", [])) or "-"
    rows = "".join(_route_row(key, route) for key, route in model.ordered_routes(api))
    head = "".join(f"<th>{h}</th>" for h in ("route", "requests", "statuses", "integration", "authorizer"))
    return (f'<section class="api" data-api="{escape(api["name"])}" data-covered="{covered}" '
            f'data-total="{total}" data-sources="{escape(sources)}"><h2>{escape(title)}</h2>'
            f"<p>{escape(summary)}</p>"
            f'<p class="sources">counted from: {escape(sources)}</p>'
            f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table></section>")


def page(data: dict[str, Any]) -> str:
    """The whole page."""
    covered, total = model.totals(data)
    pct = model.percent(covered, total)
    sections = "".join(_api_section(api) for _, api in sorted(data["apis"].items()))
    notes = "".join(f'<p class="note not-collected">not collected on backend {escape(b)}: {escape(r)}</p>'
                    for b, r in model.uncollected_reasons(data).items())
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f"<title>apigw route coverage: {pct:.1f}%</title><style>{_STYLE}</style></head><body>"
        f'<h1>API Gateway route coverage</h1><p id="totals" data-covered="{covered}" data-total="{total}" '
        f'data-percent="{pct:.2f}">{covered}/{total} routes requested ({pct:.1f}%)</p>'
        f"{notes}{sections}</body></html>\n"
    )


def write(data: dict[str, Any], path: Path) -> None:
    """Write the HTML report to ``path`` (parent folders created)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(page(data), encoding="utf-8")
