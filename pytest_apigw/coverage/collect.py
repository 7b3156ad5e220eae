"""Collecting route coverage in one process: deployments (their route tables) and requests.

Deployments arrive through the ``pytest_apigw_deployed`` hook; requests through the invocation
log (:data:`pytest_apigw.invocations.LOG`), which the embedded backend fills with the route each
request matched. A backend without the ``invocation_log`` capability cannot say which route a
request matched: its APIs are listed with the reason, not with zero counts.
"""

from __future__ import annotations

import threading
from typing import Any

from pytest_apigw import capabilities
from pytest_apigw.coverage import data as model
from pytest_apigw.invocations import LOG, Invocation

#: Route keys in the invocation log that are the gateway's own work, not routes of the API.
_NOT_ROUTES = ("@connections",)


def route_table(api: Any) -> dict[str, dict[str, Any]]:
    """Each route of a spec as a coverage entry (integration type, construct, authorizer)."""
    table = {}
    for key, route in api.routes.items():
        integration = route.integration
        authorizer = type(route.authorizer).__name__ if route.authorizer is not None else None
        table[key] = model.new_route(integration.integration_type, type(integration).__name__, authorizer)
    return table


class Collector:
    """Route coverage of the deployments made in this process (thread-safe: requests are
    observed on the gateway's event-loop thread)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        #: api id → API name, for the deployments whose requests count.
        self._names: dict[str, str] = {}
        #: API name → the specs deployed under it (route tables are read at the end: auto-deploy
        #: stages may gain routes after the deploy).
        self._specs: dict[str, list[Any]] = {}
        self._data = model.empty()
        self._unsubscribe = None

    def start(self) -> None:
        """Observe the invocation log from now on."""
        if self._unsubscribe is None:
            self._unsubscribe = LOG.subscribe(self.observe)

    def stop(self) -> None:
        """Stop observing."""
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None

    def deployed(self, deployment: Any) -> None:
        """Count a new deployment of its API (by the API's name)."""
        api = deployment.api
        backend = deployment.backend
        collected = backend.supports(capabilities.INVOCATION_LOG)
        reason = None if collected else (
            f"backend {backend.name!r} cannot say which route a request matched "
            f"(no {capabilities.INVOCATION_LOG!r} capability)"
        )
        with self._lock:
            self._data["backends"].setdefault(backend.name, reason)
            entry = self._data["apis"].setdefault(api.api_name, model.new_api(api.api_name, api.kind))
            entry["deployments"] += 1
            entry["collected"] = entry["collected"] or collected
            if len(entry["api_ids"]) < model.MAX_API_IDS:
                entry["api_ids"].append(deployment.api_id)
            specs = self._specs.setdefault(api.api_name, [])
            if not any(spec is api for spec in specs):
                specs.append(api)
            if collected:
                self._names[deployment.api_id] = api.api_name

    def observe(self, invocation: Invocation) -> None:
        """Count one request of a deployment this collector knows."""
        key = invocation.route_key
        if key in _NOT_ROUTES or (key is not None and key.startswith("(")):
            return
        with self._lock:
            name = self._names.get(invocation.api_id)
            if name is None:
                return
            entry = self._data["apis"][name]
            status = model.status_class(invocation.status)
            if key is None:
                target = entry["unmatched"]
            else:
                target = entry["routes"].setdefault(key, {"requests": 0, "statuses": {},
                                                          "allowed": 0, "refused": 0})
                if invocation.authorized is True:
                    target["allowed"] += 1
                elif invocation.authorized is False:
                    target["refused"] += 1
            target["requests"] += 1
            target["statuses"][status] = target["statuses"].get(status, 0) + 1

    def snapshot(self) -> dict[str, Any]:
        """The data so far: each API's route table (from its specs) with the counts seen."""
        with self._lock:
            result = model.empty()
            result["backends"] = dict(self._data["backends"])
            for name, seen in self._data["apis"].items():
                api = {**seen, "api_ids": list(seen["api_ids"]), "routes": {},
                       "unmatched": {"requests": seen["unmatched"]["requests"],
                                     "statuses": dict(seen["unmatched"]["statuses"])}}
                for spec in self._specs.get(name, []):
                    for key, route in route_table(spec).items():
                        api["routes"].setdefault(key, route)
                for key, hits in seen["routes"].items():
                    route = api["routes"].get(key)
                    if route is None:  # not a route of the spec (e.g. no $connect route defined)
                        continue
                    route["requests"] += hits["requests"]
                    model.add_counts(route["statuses"], hits["statuses"])
                    if route["authorizer"]:
                        route["allowed"] += hits["allowed"]
                        route["refused"] += hits["refused"]
                result["apis"][name] = api
            return result
