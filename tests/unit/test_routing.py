"""Route selection (``http-api-develop-routes.md``), on the gateway's Router directly."""

import pytest
from pytest_apigw_embedded.deployed.routing import Router

from pytest_apigw import HttpApi, LambdaProxyIntegration


def _router(*keys):
    api = HttpApi("A")
    integration = LambdaProxyIntegration(handler=lambda e, c: None)
    for key in keys:
        if key == "$default":
            api.add_routes(path="$default", integration=integration)
        else:
            method, path = key.split(" ")
            api.add_routes(path=path, methods=[method], integration=integration)
    return Router(api.routes.values())


# The developer guide's example table.
DOCS_TABLE = ("GET /pets/dog/1", "GET /pets/dog/{id}", "GET /pets/{proxy+}", "ANY /{proxy+}", "$default")


@pytest.mark.parametrize(
    ("method", "path", "route", "params"),
    [
        ("GET", "/pets/dog/1", "GET /pets/dog/1", {}),
        ("GET", "/pets/dog/2", "GET /pets/dog/{id}", {"id": "2"}),
        ("GET", "/pets/cat/1", "GET /pets/{proxy+}", {"proxy": "cat/1"}),
        ("POST", "/pets/cat/1", "ANY /{proxy+}", {"proxy": "pets/cat/1"}),
        ("GET", "/pets", "ANY /{proxy+}", {"proxy": "pets"}),
        ("GET", "/", "$default", {}),
    ],
)
def test_docs_routing_table(method, path, route, params):
    match = _router(*DOCS_TABLE).match(method, path)
    assert match is not None
    assert (match.key, match.path_parameters) == (route, params)


def test_literal_beats_parameter_at_the_same_position():
    router = _router("GET /a/{x}/c", "GET /{y}/b/c", "GET /a/b/{z}")
    assert router.match("GET", "/a/b/c").key == "GET /a/b/{z}"
    assert router.match("GET", "/q/b/c").key == "GET /{y}/b/c"


def test_exact_method_beats_any_on_the_same_path():
    router = _router("GET /pets", "ANY /pets")
    assert router.match("GET", "/pets").key == "GET /pets"
    assert router.match("DELETE", "/pets").key == "ANY /pets"


def test_backtracks_when_the_specific_path_lacks_the_method():
    router = _router("POST /pets/dog", "GET /pets/{id}")
    assert router.match("GET", "/pets/dog").key == "GET /pets/{id}"


def test_greedy_does_not_match_bare_parent_and_longest_prefix_wins():
    router = _router("GET /files/{proxy+}", "GET /files/img/{rest+}")
    assert router.match("GET", "/files") is None
    assert router.match("GET", "/files/img/a/b").path_parameters == {"rest": "a/b"}
    assert router.match("GET", "/files/doc/a").path_parameters == {"proxy": "doc/a"}


def test_no_match_without_default_and_case_sensitivity():
    router = _router("GET /Pets")
    assert router.match("GET", "/pets") is None
    assert router.match("get", "/Pets") is None
    assert router.match("GET", "/Pets/") is None


def test_path_parameters_are_url_decoded():
    router = _router("GET /users/{name}")
    assert router.match("GET", "/users/J%C3%BCrgen%20M").path_parameters == {"name": "Jürgen M"}
    assert router.match("GET", "/users/a%2Fb").path_parameters == {"name": "a/b"}


def test_root_route():
    router = _router("GET /", "GET /{x}")
    assert router.match("GET", "/").key == "GET /"
    assert router.match("GET", "/z").key == "GET /{x}"


def test_the_literal_lookup_picks_what_the_tree_walk_picks():
    """Literal paths are found by dictionary first; every answer must be the tree's."""
    import itertools

    keys = ("GET /a", "ANY /a/b", "POST /a/b", "GET /a/{x}", "PUT /a/{x}/c", "GET /a/b/c", "ANY /{p+}",
            "GET /", "DELETE /b/{y}", "GET /b/c", "GET /a/b/{proxy+}", "$default")
    router = _router(*keys)
    walk_only = _router(*keys)
    walk_only._literal.clear()
    segments = ["a", "b", "c", "", "%61", "x"]
    paths = ["", "/"] + ["/" + "/".join(p) for n in (1, 2, 3) for p in itertools.product(segments, repeat=n)]
    for method, path in itertools.product(("GET", "POST", "PUT", "DELETE", "PATCH"), paths):
        fast, slow = router.match(method, path), walk_only.match(method, path)
        assert (fast and (fast.key, fast.path_parameters)) == (slow and (slow.key, slow.path_parameters)), (
            method, path)


def test_route_match_key_is_the_matched_routes_key_and_matches_compare_by_value():
    router = _router(*DOCS_TABLE)
    for method, path in (("GET", "/pets/dog/1"), ("GET", "/pets/dog/7"), ("PUT", "/x"), ("GET", "/")):
        match = router.match(method, path)
        assert match is not None
        assert match.key == match.route.key  # stored at match time, the route's own key
        assert match == router.match(method, path)
        assert "path_parameters" in repr(match)
    assert router.match("GET", "/pets/dog/1") != router.match("GET", "/pets/dog/2")
