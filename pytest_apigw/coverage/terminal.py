"""The short terminal summary of route coverage (``--apigw-coverage``)."""

from __future__ import annotations

from typing import Any

from pytest_apigw.coverage import data as model


def statuses(counts: dict[str, int]) -> str:
    """``2xx:3 4xx:1`` (``-`` when none)."""
    return " ".join(f"{key}:{counts[key]}" for key in sorted(counts)) or "-"


def authorizer_note(route: dict[str, Any]) -> str:
    """``JWT allowed 2 / refused 1``, with ``(no refusal seen)`` and the like called out."""
    if not route["authorizer"]:
        return ""
    note = f"{route['authorizer']} allowed {route['allowed']} / refused {route['refused']}"
    if route["requests"] and not (route["allowed"] and route["refused"]):
        note += "  (no refusal seen)" if route["allowed"] else "  (no allowed request seen)"
    return note


def api_lines(api: dict[str, Any]) -> list[str]:
    """An API's head line, then one line per route (never requested first)."""
    total = len(api["routes"])
    deployments = f"{api['deployments']} deployment{'s' if api['deployments'] != 1 else ''}"
    if not api["collected"]:
        return [f"{api['kind']} {api['name']!r} ({deployments}): {total} routes, requests not collected"]
    covered = sum(1 for route in api["routes"].values() if route["requests"])
    head = (f"{api['kind']} {api['name']!r} ({deployments}): {covered}/{total} routes requested "
            f"({model.percent(covered, total):.1f}%)")
    unmatched = api["unmatched"]["requests"]
    if unmatched:
        head += f"; {unmatched} request{'s' if unmatched != 1 else ''} matched no route"
    rows = [(key, str(route["requests"]) if route["requests"] else "NEVER", statuses(route["statuses"]),
             route["integration"], authorizer_note(route)) for key, route in model.ordered_routes(api)]
    widths = [max((len(row[i]) for row in rows), default=0) for i in range(4)]
    lines = [head]
    if api.get("sources"):
        lines.append("  counted from: " + "; ".join(api["sources"]))
    for row in rows:
        cells = [cell.ljust(width) for cell, width in zip(row[:4], widths, strict=True)]
        lines.append(("  " + "  ".join(cells) + "  " + row[4]).rstrip())
    return lines


def summary_lines(data: dict[str, Any]) -> list[str]:
    """Every line of the summary: APIs, the backends that cannot report, the total."""
    lines: list[str] = []
    for _name, api in sorted(data["apis"].items()):
        lines.extend(api_lines(api))
    for backend, reason in model.uncollected_reasons(data).items():
        lines.append(f"not collected on backend {backend!r}: {reason}")
    covered, total = model.totals(data)
    if not data["apis"]:
        lines.append("no API was deployed")
    lines.append(f"TOTAL {covered}/{total} routes requested ({model.percent(covered, total):.1f}%)")
    return lines
