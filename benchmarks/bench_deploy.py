"""Deploy time against route count on the embedded backend (target: 300 routes ≤ 20 ms).

Timed: ``backend.deploy(api)`` (public API: build the gateway, resolve integrations, start the
loopback listener) on a started backend, with a fresh spec each time (built untimed) and one
untimed deploy first. The median of several deploys; each is destroyed (untimed) before the next.
The note splits out ``make_app`` (the gateway build without the listener); ``destroy_300`` is
the teardown of the same deployment (what every function-scoped ``apigw`` fixture pays).
"""

from __future__ import annotations

from benchmarks.apis import make_api
from benchmarks.common import Result, Settings, bench, clock, median

COUNTS = (10, 50, 100, 300)


@bench("deploy", order=80)
def deploy(settings: Settings) -> list[Result]:
    from pytest_apigw_embedded.backend import EmbeddedBackend, new_api_id

    repeats = 3 if settings.quick else 15
    backend = EmbeddedBackend()
    backend.start()
    rows: list[Result] = []
    try:
        backend.destroy(backend.deploy(make_api(10, name="warm")))
        for count in COUNTS:
            deploys: list[float] = []
            builds: list[float] = []
            destroys: list[float] = []
            for _ in range(repeats):
                api = make_api(count)
                start = clock()
                deployment = backend.deploy(api)
                deploys.append(clock() - start)
                start = clock()
                backend.destroy(deployment)
                destroys.append(clock() - start)
                api = make_api(count)
                start = clock()
                backend.make_app(api, new_api_id())
                builds.append(clock() - start)
            rows.append(Result(
                f"deploy_{count}", median(deploys) * 1000, "ms", vs="deploy_10",
                limit=("<=", 20) if count == 300 else None, spread=(min(deploys) * 1000, max(deploys) * 1000),
                note=f"median of {repeats}, min {min(deploys) * 1000:.2f} ms; "
                     f"gateway build (make_app) {median(builds) * 1000:.2f} ms",
            ))
            if count == COUNTS[-1]:
                rows.append(Result(f"destroy_{count}", median(destroys) * 1000, "ms",
                                   note=f"backend.destroy(), median of {repeats} (informational)"))
    finally:
        backend.close()
    return rows
