"""Spec validation is exact (issue 11): patterns anchor with ``\\Z`` (a trailing newline is
rejected), types are checked, and every wrong value is a SpecError naming the construct, the
property and the value."""

from __future__ import annotations

import pytest

from pytest_apigw import (
    Function,
    HttpApi,
    HttpMethod,
    HttpStage,
    LambdaProxyIntegration,
    LambdaWebSocketIntegration,
    SpecError,
    WebSocketApi,
    WebSocketStage,
)


def ok(event, context):
    return {"statusCode": 200}


FN = Function("Fn", handler=ok)
HTTP = LambdaProxyIntegration(handler=FN)
WS = LambdaWebSocketIntegration(handler=FN)


@pytest.mark.parametrize("build, named", [
    (lambda: HttpApi("A\n"), "HttpApi 'A\\n'"),
    (lambda: HttpApi("A").add_routes(path="/books\n", integration=HTTP), "/books\\n"),
    (lambda: HttpApi("A").add_routes(path="/{id}\n", integration=HTTP), "{id}\\n"),
    (lambda: HttpStage("S", http_api=HttpApi("A"), stage_name="dev\n"), "dev\\n"),
    (lambda: HttpStage("S", http_api=HttpApi("A"), stage_name="dev", stage_variables={"v\n": "x"}), "v\\n"),
    (lambda: HttpStage("S", http_api=HttpApi("A"), stage_name="dev", stage_variables={"v": "x\n"}), "x\\n"),
    (lambda: WebSocketApi("W").add_route("send\n", integration=WS), "send\\n"),
    (lambda: WebSocketApi("W", route_selection_expression="$request.body.action\n"), "action\\n"),
    (lambda: Function("F", handler=ok, function_name="name\n"), "name\\n"),
])
def test_a_trailing_newline_is_rejected(build, named):
    with pytest.raises(SpecError) as info:
        build()
    assert named in str(info.value)


@pytest.mark.parametrize("methods, says", [
    (5, "methods must be a list of HttpMethod"),
    ({"GET": 1}, "methods must be a list of HttpMethod"),
    ([], "methods must not be empty"),
    (["GET", 5], "method 5 is not one of"),
    (["get"], "method 'get' is not one of"),
])
def test_methods_are_type_checked(methods, says):
    with pytest.raises(SpecError) as info:
        HttpApi("A").add_routes(path="/x", methods=methods, integration=HTTP)
    assert "HttpApi 'A'" in str(info.value) and says in str(info.value)


def test_methods_as_a_tuple_or_one_method_are_fine():
    api = HttpApi("A")
    api.add_routes(path="/x", methods=(HttpMethod.GET, "POST"), integration=HTTP)
    api.add_routes(path="/y", methods=HttpMethod.PUT, integration=HTTP)  # one method: a list of one
    assert sorted(api.routes) == ["GET /x", "POST /x", "PUT /y"]


@pytest.mark.parametrize("build, says", [
    (lambda: HttpApi("A").add_routes(path=5, integration=HTTP), "route path must be a string"),
    (lambda: HttpApi("A").add_routes(path="/x", integration=HTTP, authorization_scopes="read"),
     "authorization_scopes must be a list"),
    (lambda: HttpApi("A", create_default_stage="no"), "create_default_stage must be True or False"),
    (lambda: HttpApi("A", disable_execute_api_endpoint=1), "disable_execute_api_endpoint must be True"),
    (lambda: HttpApi("A", api_name=5), "api_name must be a one-line string"),
    (lambda: WebSocketApi("W", description=["x"]), "description must be a one-line string"),
    (lambda: WebSocketApi("W", connect_route_options={}), "$connect route options must be a dict with"),
    (lambda: WebSocketApi("W").add_route("a", integration=WS, return_response="yes"),
     "return_response must be True or False"),
    (lambda: HttpStage("S", http_api=HttpApi("A"), stage_name="dev", auto_deploy="yes"),
     "auto_deploy must be True or False"),
    (lambda: WebSocketStage("S", web_socket_api=WebSocketApi("W"), stage_name="dev", auto_deploy=None),
     "auto_deploy must be True or False"),
    (lambda: Function("F", handler=ok, code=5), "code must be a directory path"),
    (lambda: Function("F", handler=ok, function_name="a.b"), "function_name must be 1-64"),
])
def test_every_wrong_value_is_a_spec_error_naming_it(build, says):
    with pytest.raises(SpecError) as info:
        build()
    assert says in str(info.value)


def test_list_valued_properties_reject_non_lists_and_newlines():
    from pytest_apigw import (
        ApplicationLoadBalancer,
        CorsPreflightOptions,
        HttpJwtAuthorizer,
        HttpLambdaAuthorizer,
        PrivateDnsNamespace,
        TlsConfig,
        Vpc,
        VpcLink,
    )

    vpc = Vpc("V")
    listener = ApplicationLoadBalancer("A", vpc=vpc).add_listener("L", port=80)
    cases = [
        (lambda: CorsPreflightOptions(allow_origins=5), "allow_origins must be a list"),
        (lambda: CorsPreflightOptions(allow_methods=5), "allow_methods must be a list"),
        (lambda: CorsPreflightOptions(allow_headers=["x\n"]), "allow_headers must be a list of one-line"),
        (lambda: CorsPreflightOptions(allow_credentials="x\n"), "allow_credentials must be True or False"),
        (lambda: HttpJwtAuthorizer("J", "https://issuer.example.com", jwt_audience=5), "jwt_audience"),
        (lambda: HttpJwtAuthorizer("J", "https://i.example.com", jwt_audience=["a"], authorizer_name="n\n"),
         "authorizer_name"),
        (lambda: HttpLambdaAuthorizer("L", FN, response_types=None), "response_types must be a list"),
        (lambda: listener.add_targets("T", port=80, targets=5), "targets must be a list"),
        (lambda: VpcLink("VL", vpc=vpc, vpc_link_name="x\n"), "vpc_link_name"),
        (lambda: PrivateDnsNamespace("N", name="svc.local\n", vpc=vpc), "name must be a DNS name"),
        (lambda: TlsConfig(server_name_to_verify="host\n"), "server_name_to_verify must be a host name"),
    ]
    for build, says in cases:
        with pytest.raises(SpecError) as info:
            build()
        assert says in str(info.value)


def test_http_api_quotas_that_cannot_be_raised():
    from pytest_apigw import HttpJwtAuthorizer

    with pytest.raises(SpecError, match="at most 50 per authorizer"):
        HttpJwtAuthorizer("J", "https://issuer.example.com", jwt_audience=[f"a{i}" for i in range(51)])
    HttpJwtAuthorizer("J", "https://issuer.example.com", jwt_audience=[f"a{i}" for i in range(50)])
    with pytest.raises(SpecError, match="at most 10 per route"):
        HttpApi("A").add_routes(path="/x", integration=HTTP,
                                authorization_scopes=[f"s{i}" for i in range(11)])
    with pytest.raises(SpecError, match="at most 100 per stage"):
        HttpStage("S", http_api=HttpApi("A"), stage_name="dev",
                  stage_variables={f"v{i}": "x" for i in range(101)})
    api = HttpApi("Many")
    for i in range(300):
        api.add_routes(path=f"/r{i}", integration=LambdaProxyIntegration(handler=FN))
    api.add_routes(path="/shared", integration=api.routes["ANY /r0"].integration)  # shared: fine
    with pytest.raises(SpecError, match="at most 300 per HTTP API"):
        api.add_routes(path="/one-more", integration=LambdaProxyIntegration(handler=FN))
