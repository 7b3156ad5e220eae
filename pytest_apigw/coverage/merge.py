"""Merging coverage data from several processes (pytest-xdist workers and the controller)."""

from __future__ import annotations

import copy
from collections.abc import Iterable
from typing import Any

from pytest_apigw.coverage import data as model


def _merge_route(into: dict[str, Any], route: dict[str, Any]) -> None:
    into["requests"] += route["requests"]
    model.add_counts(into["statuses"], route["statuses"])
    if into["authorizer"] and route["authorizer"]:
        into["allowed"] += route["allowed"]
        into["refused"] += route["refused"]


def _merge_api(into: dict[str, Any], api: dict[str, Any]) -> None:
    into["deployments"] += api["deployments"]
    into["collected"] = into["collected"] or api["collected"]
    model.add_sources(into.setdefault("sources", []), api.get("sources", []))
    room = model.MAX_API_IDS - len(into["api_ids"])
    into["api_ids"].extend(api["api_ids"][:max(room, 0)])
    into["unmatched"]["requests"] += api["unmatched"]["requests"]
    model.add_counts(into["unmatched"]["statuses"], api["unmatched"]["statuses"])
    for key, route in api["routes"].items():
        if key in into["routes"]:
            _merge_route(into["routes"][key], route)
        else:
            into["routes"][key] = copy.deepcopy(route)


def merge(parts: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """One data set from many: APIs joined by name, counts added, route tables united."""
    result = model.empty()
    for part in parts:
        if part.get("version") != model.VERSION:
            raise ValueError(f"cannot merge apigw coverage data of version {part.get('version')!r}")
        for name, reason in part["backends"].items():
            if result["backends"].get(name) is None:
                result["backends"][name] = reason
        for name, api in part["apis"].items():
            if name in result["apis"]:
                _merge_api(result["apis"][name], api)
            else:
                result["apis"][name] = copy.deepcopy(api)
    return result
