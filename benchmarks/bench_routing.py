"""Route-matching cost against route count: ``Router.match`` of the embedded gateway, in isolation.

The router is built from the same APIs the deploy rows use; each match call takes one path of a
fixed mix: the throughput rows' ``GET /items/42``, a ``{param}`` two levels down, a ``{proxy+}``
fallback several segments deep and a miss (404). The value is microseconds per match (best of
several rounds), the ratio its growth against 10 routes.
"""

from __future__ import annotations

from benchmarks.apis import TARGET_PATH, make_api
from benchmarks.common import Result, Settings, bench, per_call

COUNTS = (10, 50, 100, 300)


def paths(count: int) -> list[tuple[str, str]]:
    last = (count - 1) // 5  # the highest /r{i} index every shape reaches
    return [
        ("GET", TARGET_PATH),
        ("GET", f"/r{max(0, last - 1)}/abc"),
        ("ANY", f"/r{max(0, last - 1)}/files/a/b/c.txt"),
        ("GET", "/nope/not/here"),
    ]


@bench("routing", order=90)
def routing(settings: Settings) -> list[Result]:
    from pytest_apigw_embedded.deployed.routing import Router

    inner = 2000 if settings.quick else 20000
    rows: list[Result] = []
    for count in COUNTS:
        router = Router(list(make_api(count).routes.values()))
        mix = paths(count)
        if router.match(*mix[0]) is None:
            raise RuntimeError(f"{TARGET_PATH} did not match in the {count}-route router")
        match = router.match

        def run(match=match, mix=mix) -> None:
            for method, path in mix:
                match(method, path)

        seconds = per_call(run, inner=inner // len(mix)) / len(mix)
        rows.append(Result(f"route_match_{count}", seconds * 1e6, "µs", vs="route_match_10",
                           note=f"Router.match, mix of {len(mix)} paths (hit, param, greedy, miss)"))
    return rows
