"""Whole API specs: an :class:`~pytest_apigw.HttpApi` from a route table, stages and an
integrations strategy (so HTTP proxy, private and any later integration type plug in)."""

from __future__ import annotations

import string
from collections.abc import Callable
from typing import TYPE_CHECKING

from hypothesis import strategies as st

from pytest_apigw.strategies.routes import route_tables

if TYPE_CHECKING:
    from pytest_apigw.spec import HttpApi, HttpRouteIntegration

__all__ = ["http_apis", "stage_layouts", "stage_variables"]

_VAR_VALUE = string.ascii_letters + string.digits + "-._~:/?#&=,"


def stage_variables() -> st.SearchStrategy[dict[str, str]]:
    """Stage variable maps as AWS accepts them (maybe empty)."""
    names = st.text(string.ascii_letters + string.digits + "_", min_size=1, max_size=8)
    return st.dictionaries(names, st.text(_VAR_VALUE, max_size=12), max_size=3)


def stage_layouts() -> st.SearchStrategy[list[tuple[str, dict[str, str]]]]:
    """``[(stage_name, stage_variables), ...]``: ``$default`` alone, with named stages, or only
    named stages (then requests outside every stage get 404)."""
    named = st.sampled_from(["dev", "prod", "v1"])
    stage = st.tuples(named, stage_variables())
    return st.one_of(
        st.tuples(st.just("$default"), stage_variables()).map(lambda s: [s]),
        st.lists(stage, min_size=1, max_size=2, unique_by=lambda s: s[0]).flatmap(
            lambda ss: st.one_of(st.just(ss), st.tuples(st.just("$default"), stage_variables()).map(
                lambda d: [d, *ss]))
        ),
    )


@st.composite
def http_apis(
    draw: st.DrawFn,
    *,
    integrations: st.SearchStrategy[HttpRouteIntegration] | Callable[[], HttpRouteIntegration],
    tables: st.SearchStrategy[list[str]] | None = None,
    stages: st.SearchStrategy[list[tuple[str, dict[str, str]]]] | None = None,
    shared: bool = False,
) -> HttpApi:
    """:class:`~pytest_apigw.HttpApi` specs with generated routes and stages.

    ``integrations`` is a strategy of integration specs (or a zero-argument factory) drawn
    once per route, or once for the whole API when ``shared``; ``tables`` draws route keys
    (default :func:`route_tables`), ``stages`` the stage layout (default :func:`stage_layouts`).
    """
    from pytest_apigw.spec import HttpApi, HttpStage

    keys = draw(tables if tables is not None else route_tables())
    default: list[tuple[str, dict[str, str]]] = [("$default", {})]
    layout = draw(stages if stages is not None else st.just(default))
    if not isinstance(integrations, st.SearchStrategy):
        integrations = st.builds(integrations)
    api = HttpApi("Generated", create_default_stage=False)
    for index, (name, variables) in enumerate(layout):
        HttpStage(f"Stage{index}", http_api=api, stage_name=name, stage_variables=variables)
    common = draw(integrations) if shared else None
    for key in keys:
        integration = common if common is not None else draw(integrations)
        if key == "$default":
            api.add_routes(path="$default", integration=integration)
        else:
            method, _, path = key.partition(" ")
            api.add_routes(path=path, methods=[method], integration=integration)
    return api
