"""Specs AWS would reject are rejected when built, with the construct, the value and the rule."""

import pytest

from pytest_apigw import (
    ApplicationLoadBalancer,
    Function,
    HttpAlbIntegration,
    HttpApi,
    HttpMethod,
    HttpStage,
    LambdaProxyIntegration,
    SpecError,
    Vpc,
    WebSocketApi,
    WebSocketStage,
)
from pytest_apigw.spec.network import ApplicationListener


def ok(event, context):
    return {"statusCode": 200}


@pytest.fixture
def integration():
    return LambdaProxyIntegration(handler=Function("Fn", handler=ok))


@pytest.mark.parametrize(
    ("path", "rule"),
    [
        ("books", "must start with '/'"),
        ("/books//x", "empty segment"),
        ("/books/", "empty segment"),
        ("/{proxy+}/x", "must be the last segment"),
        ("/a/{id}/b/{id}", "repeats the path variable"),
        ("/a{id}", "not a valid path variable"),
        ("/a/{}", "not a valid path variable"),
        ("/a b", "characters AWS rejects"),
    ],
)
def test_route_paths(integration, path, rule):
    api = HttpApi("Books")
    with pytest.raises(SpecError) as info:
        api.add_routes(path=path, methods=[HttpMethod.GET], integration=integration)
    message = str(info.value)
    assert "HttpApi 'Books'" in message
    assert repr(path) in message
    assert rule in message


def test_valid_paths_are_accepted(integration):
    api = HttpApi("Books")
    api.add_routes(path="/", methods=["GET"], integration=integration)
    api.add_routes(path="/pets/{petId}/toys/{proxy+}", integration=integration)
    api.add_routes(path="$default", integration=integration)
    assert sorted(api.routes) == ["$default", "ANY /pets/{petId}/toys/{proxy+}", "GET /"]


def test_duplicate_route_key(integration):
    api = HttpApi("Books")
    api.add_routes(path="/books", methods=[HttpMethod.GET], integration=integration)
    with pytest.raises(SpecError, match=r"route 'GET /books' already exists .*ConflictException"):
        api.add_routes(path="/books", methods=[HttpMethod.GET, HttpMethod.POST], integration=integration)


def test_default_route_twice_and_with_methods(integration):
    api = HttpApi("Books", default_integration=integration)
    with pytest.raises(SpecError, match=r"'\$default' already exists"):
        api.add_routes(path="$default", integration=integration)
    with pytest.raises(SpecError, match="takes no methods"):
        HttpApi("Other").add_routes(path="$default", methods=["GET"], integration=integration)


@pytest.mark.parametrize("method", ["get", "FETCH", 7])
def test_methods(integration, method):
    with pytest.raises(SpecError, match=r"is not one of ANY, DELETE, GET"):
        HttpApi("Books").add_routes(path="/b", methods=[method], integration=integration)


def test_payload_format_version():
    with pytest.raises(SpecError, match=r"LambdaProxyIntegration: payload_format_version '3.0'.*'2.0'"):
        LambdaProxyIntegration(handler=ok, payload_format_version="3.0")


@pytest.mark.parametrize("name", ["", "has space", "a/b", "x" * 129])
def test_stage_names(name):
    with pytest.raises(SpecError, match=r"HttpStage 'S': stage_name .* must be '\$default' or 1-128"):
        HttpStage("S", http_api=HttpApi("A"), stage_name=name)


def test_duplicate_stage():
    api = HttpApi("A")
    with pytest.raises(SpecError, match=r"stage '\$default' already exists"):
        HttpStage("S", http_api=api, stage_name="$default")


def test_stage_variables():
    with pytest.raises(SpecError, match="stage variable name 'bad-name'"):
        HttpStage("S", http_api=HttpApi("A"), stage_name="dev", stage_variables={"bad-name": "x"})
    with pytest.raises(SpecError, match="stage variable 'v' value 'a b'"):
        HttpStage("S", http_api=HttpApi("A"), stage_name="dev", stage_variables={"v": "a b"})


def test_integration_of_wrong_type():
    with pytest.raises(SpecError, match=r"route 'GET /b': integration must be an HTTP integration"):
        HttpApi("A").add_routes(path="/b", methods=["GET"], integration="http://example.com")
    with pytest.raises(SpecError, match="handler must be a Function or a callable"):
        LambdaProxyIntegration(handler="not callable")


def test_function_handler_resolution(tmp_path):
    with pytest.raises(SpecError, match=r"Function 'F': handler 'nomodule' must be 'module.function'"):
        Function("F", handler="nomodule")
    with pytest.raises(SpecError, match=r"handler 'app.handler' cannot be resolved: no app.py in code"):
        Function("F", handler="app.handler", code=tmp_path)
    (tmp_path / "app.py").write_text("def other(e, c):\n    return 1\n")
    function = Function("F", handler="app.handler", code=tmp_path)
    with pytest.raises(SpecError, match=r"module 'app' has no callable 'handler'"):
        function.resolve()
    with pytest.raises(SpecError, match="timeout must be more than 0 and at most 900"):
        Function("F", handler=ok, timeout=0)
    with pytest.raises(SpecError, match="isolation must be 'inprocess' or 'process'"):
        Function("F", handler=ok, isolation="thread")


def test_imported_listener_needs_vpc():
    imported = ApplicationListener.from_listener_attributes("Imported", listener_arn="arn:x")
    with pytest.raises(SpecError, match="listener 'Imported' is imported.*pass vpc="):
        HttpAlbIntegration(listener=imported)
    assert HttpAlbIntegration(listener=imported, vpc=Vpc("V")).vpc_link.vpc.id == "V"


def test_alb_integration_gets_an_implicit_vpc_link():
    vpc = Vpc("VPC")
    listener = ApplicationLoadBalancer("lb", vpc=vpc).add_listener("listener", port=80)
    assert HttpAlbIntegration(listener=listener).vpc_link.vpc is vpc


def test_websocket_spec_rules():
    with pytest.raises(SpecError, match="route_selection_expression 'action'"):
        WebSocketApi("ws", route_selection_expression="action")
    api = WebSocketApi("ws")
    with pytest.raises(SpecError, match=r"WebSocketStage 'S': a WebSocket API stage cannot be named"):
        WebSocketStage("S", web_socket_api=api, stage_name="$default")
    with pytest.raises(SpecError, match=r"route key '\$other'.*reserved"):
        api.add_route("$other", integration=object())


def test_ids_are_checked():
    with pytest.raises(SpecError, match=r"HttpApi '': id must be a non-empty string"):
        HttpApi("")


def test_spec_error_is_a_value_error():
    assert issubclass(SpecError, ValueError)


def test_one_method_without_a_list_is_one_method_and_wrong_methods_are_named():
    from pytest_apigw import Function, HttpApi, HttpMethod, LambdaProxyIntegration, SpecError

    integration = LambdaProxyIntegration(handler=Function("F", handler=lambda e, c: None))
    api = HttpApi("Methods")
    (route,) = api.add_routes(path="/one", methods=HttpMethod.GET, integration=integration)
    assert route.key == "GET /one"
    (route,) = api.add_routes(path="/two", methods="POST", integration=integration)
    assert route.key == "POST /two"
    with pytest.raises(SpecError, match=r"methods must be a list of HttpMethod, got int 5"):
        api.add_routes(path="/three", methods=5, integration=integration)
    with pytest.raises(SpecError, match=r"methods must not be empty \(leave it out for ANY\)"):
        api.add_routes(path="/four", methods=[], integration=integration)


def test_supports_an_unknown_capability_says_so(apigw_backend):
    assert apigw_backend.supports("http.lambda_proxy") is True
    hint = r"unknown capability 'http.lamda_proxy'; did you mean 'http.lambda_proxy'"
    with pytest.raises(ValueError, match=hint):
        apigw_backend.supports("http.lamda_proxy")
