"""The JSON coverage report: the merged data plus totals, for a CI job to publish or check."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pytest_apigw.coverage import data as model


def document(data: dict[str, Any]) -> dict[str, Any]:
    """The report: ``totals`` first, then every API with its routes (never requested first)."""
    covered, total = model.totals(data)
    apis = {}
    for name, api in sorted(data["apis"].items()):
        api_covered = sum(1 for route in api["routes"].values() if route["requests"])
        apis[name] = {
            **{k: v for k, v in api.items() if k != "routes"},
            "covered": api_covered if api["collected"] else None,
            "total": len(api["routes"]),
            "routes": [{"route_key": key, **route} for key, route in model.ordered_routes(api)],
        }
    return {
        "version": data["version"],
        "totals": {"covered": covered, "routes": total, "percent": round(model.percent(covered, total), 2)},
        "backends": data["backends"],
        "not_collected": model.uncollected_reasons(data),
        "apis": apis,
    }


def write(data: dict[str, Any], path: Path) -> None:
    """Write the JSON report to ``path`` (parent folders created)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document(data), indent=2) + "\n", encoding="utf-8")
