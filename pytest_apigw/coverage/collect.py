"""Collecting route coverage in one process: deployments (their route tables) and requests.

Deployments arrive through the ``pytest_apigw_deployed`` hook. Requests, by what the backend
keeps (the API's ``sources`` say which):

- the invocation log (:data:`pytest_apigw.invocations.LOG`), which the embedded backend fills with
  the route each request matched, as it happens;
- the stages' access logs (backends with the ``access_logs`` capability: AWS, LocalStack Pro),
  read when the deployment closes (:meth:`Collector.settle`) through
  :mod:`pytest_apigw.coverage.route_log`;
- otherwise (MiniStack), the requests sent through the deployment's own clients, attributed to
  routes by the reference model (:mod:`pytest_apigw.coverage.client_side`), also counted when the
  deployment closes.
"""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, Any

from pytest_apigw import capabilities
from pytest_apigw.coverage import client_side, route_log
from pytest_apigw.coverage import data as model
from pytest_apigw.invocations import LOG, Invocation

if TYPE_CHECKING:
    from collections.abc import Callable

    from pytest_apigw.client_events import ClientEvent

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


@dataclass
class Watched:
    """A deployment whose requests are counted when it closes: what its clients saw so far
    (counted by route and status, so a long test stays flat)."""

    deployment: Any
    name: str
    hits: Counter[client_side.Hit] = field(default_factory=Counter)


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
        self._unsubscribe: Callable[[], None] | None = None
        #: id(deployment) → the deployment counted at its close (backends without invocation log).
        self._watched: dict[int, Watched] = {}

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
        live = backend.supports(capabilities.INVOCATION_LOG)
        with self._lock:
            self._data["backends"].setdefault(backend.name, None)
            entry = self._data["apis"].setdefault(api.api_name, model.new_api(api.api_name, api.kind))
            entry["deployments"] += 1
            entry["collected"] = True
            if live:
                model.add_sources(entry["sources"], [model.SOURCE_INVOCATION_LOG])
            if len(entry["api_ids"]) < model.MAX_API_IDS:
                entry["api_ids"].append(deployment.api_id)
            specs = self._specs.setdefault(api.api_name, [])
            if not any(spec is api for spec in specs):
                specs.append(api)
            if live:
                self._names[deployment.api_id] = api.api_name
                return
            watched = Watched(deployment, api.api_name)
            self._watched[id(deployment)] = watched
        deployment.client_listeners.append(partial(self._client_event, watched))
        deployment.close_hooks.append(self.settle)

    def observe(self, invocation: Invocation) -> None:
        """Count one request of a deployment this collector knows."""
        key = invocation.route_key
        if key in _NOT_ROUTES or (key is not None and key.startswith("(")):
            return
        with self._lock:
            name = self._names.get(invocation.api_id)
            if name is None:
                return
            self._count(name, key, model.status_class(invocation.status), invocation.authorized)

    def _count(self, name: str, key: str | None, status: str | None, authorized: bool | None,
               times: int = 1) -> None:
        """``times`` requests of API ``name`` on route ``key`` (``None``: no route), each with
        ``status`` and ``authorized``; the lock is held."""
        entry = self._data["apis"][name]
        if key is None:
            target = entry["unmatched"]
        else:
            target = entry["routes"].setdefault(key, {"requests": 0, "statuses": {},
                                                      "allowed": 0, "refused": 0})
            if authorized is True:
                target["allowed"] += times
            elif authorized is False:
                target["refused"] += times
        target["requests"] += times
        if status is not None:
            target["statuses"][status] = target["statuses"].get(status, 0) + times

    def _client_event(self, watched: Watched, event: ClientEvent) -> None:
        hit = client_side.attribute(watched.deployment.api, watched.deployment.stage_urls, event)
        if hit is not None:
            with self._lock:
                watched.hits[hit] += 1

    def settle(self, deployment: Any) -> None:
        """Count the requests of a deployment without invocation log (called as it closes, and
        for those still live at the end): from its stages' access logs when the backend writes
        them and every stage's format carries what coverage reads, else from its clients."""
        with self._lock:
            watched = self._watched.pop(id(deployment), None)
            if watched is None:
                return
            hits = Counter(watched.hits)
        api, backend = deployment.api, deployment.backend
        records, reason = None, "backend writes no access log"
        if backend.supports(capabilities.ACCESS_LOGS):
            records, reason = route_log.records(deployment, expected=hits.total())
        with self._lock:
            entry = self._data["apis"][watched.name]
            if records is not None:
                model.add_sources(entry["sources"], [model.SOURCE_ACCESS_LOG])
                for record in records:
                    if record.route_key is None and (record.status or 0) < 400:
                        continue  # the gateway's own answer (a CORS preflight), not a route's
                    authorized = None if record.route_key is None else record.authorizer_error is None
                    self._count(watched.name, record.route_key, model.status_class(record.status),
                                authorized)
                return
            source = client_side.SOURCE
            if backend.supports(capabilities.ACCESS_LOGS):
                source += f" ({reason})"
            model.add_sources(entry["sources"], [source])
            guarded = {key for key, route in api.routes.items() if route.authorizer is not None}
            for hit, times in hits.items():
                authorized = None
                if hit.route_key in guarded and hit.status is not None:
                    authorized = hit.status not in (401, 403)
                status = model.status_class(hit.status) if hit.status is not None else None
                self._count(watched.name, hit.route_key, status, authorized, times)

    def settle_all(self) -> None:
        """Count the deployments still live (their backend tears them down after the session)."""
        with self._lock:
            live = [watched.deployment for watched in self._watched.values()]
        for deployment in live:
            self.settle(deployment)

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
