"""Route-coverage data without a server: merging workers' data, totals, ordering, rendering."""

from __future__ import annotations

import pytest

from pytest_apigw.access_log import check_format, compile_format, render
from pytest_apigw.coverage import data as model
from pytest_apigw.coverage.merge import merge
from pytest_apigw.errors import SpecError


def api_data(routes: dict[str, int], unmatched: int = 0, collected: bool = True, ids=("a",)) -> dict:
    api = model.new_api("Books", "HttpApi")
    api.update(deployments=len(ids), api_ids=list(ids), collected=collected)
    api["unmatched"] = {"requests": unmatched, "statuses": {"4xx": unmatched} if unmatched else {}}
    for key, count in routes.items():
        route = model.new_route("AWS_PROXY", "LambdaProxyIntegration", "HttpJwtAuthorizer")
        route.update(requests=count, statuses={"2xx": count} if count else {}, allowed=count, refused=0)
        api["routes"][key] = route
    data = model.empty()
    data["backends"] = {"embedded": None}
    data["apis"]["Books"] = api
    return data


def test_merge_adds_counts_and_unites_route_tables():
    one = api_data({"GET /books": 2, "POST /books": 0}, unmatched=1, ids=("a",))
    two = api_data({"GET /books": 1, "DELETE /books/{id}": 3}, unmatched=2, ids=("b", "c"))
    merged = merge([one, two])
    books = merged["apis"]["Books"]
    assert books["deployments"] == 3 and books["api_ids"] == ["a", "b", "c"]
    assert {k: r["requests"] for k, r in books["routes"].items()} == {
        "GET /books": 3, "POST /books": 0, "DELETE /books/{id}": 3}
    assert books["routes"]["GET /books"]["statuses"] == {"2xx": 3}
    assert books["routes"]["GET /books"]["allowed"] == 3
    assert books["unmatched"] == {"requests": 3, "statuses": {"4xx": 3}}
    assert model.totals(merged) == (2, 3)
    assert one["apis"]["Books"]["routes"]["GET /books"]["requests"] == 2  # inputs left alone


def test_never_requested_routes_come_first():
    api = api_data({"GET /a": 1, "GET /z": 0, "GET /b": 0, "GET /c": 5})["apis"]["Books"]
    assert [key for key, _ in model.ordered_routes(api)] == ["GET /b", "GET /z", "GET /a", "GET /c"]


def test_uncollected_apis_stay_out_of_the_totals_and_a_reason_wins_over_none():
    local = api_data({"GET /a": 0, "GET /b": 0}, collected=False)
    local["backends"] = {"localstack": "cannot say"}
    merged = merge([api_data({"GET /a": 1}), local])
    assert merged["apis"]["Books"]["collected"] is True
    only_local = merge([local])
    assert model.totals(only_local) == (0, 0)
    assert model.uncollected_reasons(only_local) == {"localstack": "cannot say"}


def test_status_classes_and_empty_percent():
    assert [model.status_class(s) for s in (101, 200, 204, 403, 404, 500, 503)] == [
        "2xx", "2xx", "2xx", "4xx", "4xx", "5xx", "5xx"]
    assert model.percent(0, 0) == 100.0 and model.percent(1, 4) == 25.0


def test_merge_refuses_other_versions():
    with pytest.raises(ValueError, match="version 99"):
        merge([{**model.empty(), "version": 99}])


def test_render_splits_the_format_once_and_fills_dashes():
    fmt = '$context.requestId "$context.routeKey" $context.identity.sourceIp$context.status'
    assert compile_format(fmt) == (("", ' "', '" ', "", ""), ("requestId", "routeKey", "identity.sourceIp",
                                                            "status"))
    assert render(fmt, {"requestId": "r=", "routeKey": None, "status": 0}) == 'r= "-" -0'
    nested = {"requestId": "", "identity": {"sourceIp": "1.2.3.4"}, "status": 200}
    assert render(fmt, nested) == '- "-" 1.2.3.4200'
    assert check_format("HttpStage 'S'", "$context.extendedRequestId") == "$context.extendedRequestId"
    assert check_format("HttpStage 'S'", None) is None
    with pytest.raises(SpecError, match="HttpStage 'S': access_log_format must be a non-empty string"):
        check_format("HttpStage 'S'", 42)
