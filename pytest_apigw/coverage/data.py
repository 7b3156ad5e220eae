"""The shape of coverage data (plain dicts: JSON and pytest-xdist carry them as they are).

```
{"version": 1,
 "backends": {"embedded": null, "localstack": "why it cannot report requests"},
 "apis": {NAME: {"name", "kind", "deployments", "api_ids", "collected", "sources",
                 "routes": {ROUTE_KEY: {"integration", "construct", "authorizer",
                                        "requests", "statuses", "allowed", "refused"}},
                 "unmatched": {"requests", "statuses"}}}}
```

``statuses`` counts status classes (``{"2xx": 3, "4xx": 1}``); ``allowed`` / ``refused`` count
requests the route's authorizer let through or turned away (``None`` for a route without one).
``collected`` is false when the API was only deployed to backends that cannot say which route
a request matched: its counts are unknown, not zero. ``sources`` says where the counts came from
(:data:`SOURCE_INVOCATION_LOG`, :data:`SOURCE_ACCESS_LOG`, or the client-side source of
:mod:`.client_side`, with the reason when a backend that writes access logs could not be read).
"""

from __future__ import annotations

from typing import Any

VERSION = 1
#: The embedded gateway's record of each request (the route it matched).
SOURCE_INVOCATION_LOG = "gateway invocation log"
#: The stages' access logs, as the gateway wrote them (AWS, LocalStack Pro).
SOURCE_ACCESS_LOG = "gateway access log"
#: How many different sources an API's entry keeps.
MAX_SOURCES = 10
#: How many API ids an API's entry keeps (a hypothesis test may deploy an API hundreds of times).
MAX_API_IDS = 20


def status_class(status: int | None) -> str:
    """``2xx``, ``4xx``, ``5xx`` (a WebSocket handshake's 101 is AWS's 200: ``2xx``)."""
    if status is None:
        return "none"
    if status == 101:
        return "2xx"
    return f"{status // 100}xx"


def empty() -> dict[str, Any]:
    """Coverage data with nothing in it."""
    return {"version": VERSION, "backends": {}, "apis": {}}


def new_api(name: str, kind: str) -> dict[str, Any]:
    """An API's entry before any deployment or request."""
    return {"name": name, "kind": kind, "deployments": 0, "api_ids": [], "collected": False,
            "sources": [], "routes": {}, "unmatched": {"requests": 0, "statuses": {}}}


def new_route(integration: str, construct: str, authorizer: str | None) -> dict[str, Any]:
    """A route's entry before any request."""
    return {"integration": integration, "construct": construct, "authorizer": authorizer,
            "requests": 0, "statuses": {},
            "allowed": 0 if authorizer else None, "refused": 0 if authorizer else None}


def add_sources(into: list[str], sources: list[str]) -> None:
    """Add sources not seen yet (in order, at most :data:`MAX_SOURCES`)."""
    for source in sources:
        if source not in into and len(into) < MAX_SOURCES:
            into.append(source)


def add_counts(into: dict[str, int], counts: dict[str, int]) -> None:
    """Add status-class counts."""
    for key, value in counts.items():
        into[key] = into.get(key, 0) + value


def totals(data: dict[str, Any]) -> tuple[int, int]:
    """``(routes requested at least once, routes)`` over the APIs whose requests were collected."""
    covered = total = 0
    for api in data["apis"].values():
        if not api["collected"]:
            continue
        total += len(api["routes"])
        covered += sum(1 for route in api["routes"].values() if route["requests"])
    return covered, total


def percent(covered: int, total: int) -> float:
    """Coverage in percent (100 when there is nothing to cover, as coverage.py says)."""
    return 100.0 if total == 0 else 100.0 * covered / total


def ordered_routes(api: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """Routes never requested first, then the others; by route key within each group."""
    return sorted(api["routes"].items(), key=lambda item: (item[1]["requests"] > 0, item[0]))


def uncollected_reasons(data: dict[str, Any]) -> dict[str, str]:
    """Backends that deployed APIs but cannot report requests, with the reason."""
    return {name: reason for name, reason in data["backends"].items() if reason}
