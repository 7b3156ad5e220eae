"""CORS (``http-api-cors.md``): preflights answered by the gateway, headers on responses."""

import httpx
import pytest

from pytest_apigw import (
    CorsHttpMethod,
    CorsPreflightOptions,
    Function,
    HttpApi,
    LambdaProxyIntegration,
    SpecError,
)


def _handler(event, context):
    # The backend's own CORS headers are dropped by the gateway.
    return {"statusCode": 200, "headers": {"access-control-allow-origin": "https://evil.example"},
            "body": event["requestContext"]["http"]["method"]}


def _api(**cors):
    api = HttpApi("Cors", cors_preflight=CorsPreflightOptions(**cors))
    api.add_routes(path="/items", methods=["GET"], integration=LambdaProxyIntegration(
        handler=Function("Items", handler=_handler)))
    return api


PREFLIGHT = {"Origin": "https://app.example", "Access-Control-Request-Method": "GET"}


def test_preflight_is_answered_without_an_options_route(apigw):
    deployment = apigw.deploy(_api(
        allow_origins=["https://app.example"], allow_methods=[CorsHttpMethod.GET, CorsHttpMethod.POST],
        allow_headers=["authorization"], max_age=300, allow_credentials=True,
    ))
    response = httpx.options(f"{deployment.url}/items", headers=PREFLIGHT)
    assert response.status_code == 204
    assert response.headers["access-control-allow-origin"] == "https://app.example"
    assert response.headers["access-control-allow-methods"] == "GET,POST"
    assert response.headers["access-control-allow-headers"] == "authorization"
    assert response.headers["access-control-max-age"] == "300"
    assert response.headers["access-control-allow-credentials"] == "true"
    # Even for a path with no route at all.
    assert httpx.options(f"{deployment.url}/nothing/here", headers=PREFLIGHT).status_code == 204


def test_origin_not_allowed_gets_no_cors_headers(apigw):
    deployment = apigw.deploy(_api(allow_origins=["https://app.example"]))
    response = httpx.options(f"{deployment.url}/items",
                             headers={**PREFLIGHT, "Origin": "https://other.example"})
    assert response.status_code == 204
    assert "access-control-allow-origin" not in response.headers
    plain = httpx.get(f"{deployment.url}/items", headers={"Origin": "https://other.example"})
    assert plain.text == "GET"
    assert "access-control-allow-origin" not in plain.headers


def test_responses_get_the_configured_headers_not_the_backends(apigw):
    deployment = apigw.deploy(_api(allow_origins=["*"], expose_headers=["x-request-id"]))
    response = httpx.get(f"{deployment.url}/items", headers={"Origin": "https://app.example"})
    assert response.status_code == 200
    assert response.headers.get_list("access-control-allow-origin") == ["*"]
    assert response.headers["access-control-expose-headers"] == "x-request-id"


def test_without_cors_options_requests_are_routed(apigw):
    api = HttpApi("NoCors")
    api.add_routes(path="/items", methods=["GET"], integration=LambdaProxyIntegration(handler=_handler))
    deployment = apigw.deploy(api)
    response = httpx.options(f"{deployment.url}/items", headers=PREFLIGHT)
    assert response.status_code == 404
    backend_header = httpx.get(f"{deployment.url}/items").headers["access-control-allow-origin"]
    assert backend_header == "https://evil.example"


def test_invalid_configurations_are_rejected():
    with pytest.raises(SpecError, match="allow_credentials cannot be true when allow_origins contains"):
        CorsPreflightOptions(allow_origins=["*"], allow_credentials=True)
    with pytest.raises(SpecError, match="max_age must be 0 to 86400"):
        CorsPreflightOptions(max_age=90000)
    with pytest.raises(SpecError, match="allow_methods: 'FETCH'"):
        CorsPreflightOptions(allow_methods=["FETCH"])
    with pytest.raises(SpecError, match="cors_preflight must be CorsPreflightOptions or a dict"):
        HttpApi("A", cors_preflight=["*"])
    assert HttpApi("A", cors_preflight={"allow_origins": ["*"]}).cors_preflight.allow_origins == ("*",)


def _deny_all(event, context):
    return {"isAuthorized": False}


def test_a_catch_all_route_with_an_authorizer_gets_the_preflight(apigw):
    """AWS routes a preflight to a route that catches OPTIONS, so its authorizer runs (and a
    browser's preflight, which carries no credentials, is refused); an OPTIONS route without
    authorization is the fix AWS recommends, and then the preflight reaches its integration."""
    from pytest_apigw import HttpLambdaAuthorizer, HttpLambdaResponseType, HttpMethod, HttpNoneAuthorizer

    authorizer = HttpLambdaAuthorizer(
        "Deny", Function("Deny", handler=_deny_all), response_types=[HttpLambdaResponseType.SIMPLE],
        identity_source=["$request.header.Origin"], results_cache_ttl=0,
    )
    api = HttpApi("CorsAuth", cors_preflight=CorsPreflightOptions(
        allow_origins=["https://app.example"], allow_methods=[CorsHttpMethod.GET]))
    integration = LambdaProxyIntegration(handler=Function("Items", handler=_handler))
    api.add_routes(path="/{proxy+}", methods=[HttpMethod.ANY], integration=integration, authorizer=authorizer)
    url = apigw.deploy(api).url
    refused = httpx.options(f"{url}/items", headers=PREFLIGHT)
    assert refused.status_code == 403  # the authorizer ran on the preflight

    api.add_routes(path="/{proxy+}", methods=[HttpMethod.OPTIONS], integration=integration,
                   authorizer=HttpNoneAuthorizer())
    routed = httpx.options(f"{url}/items", headers=PREFLIGHT)
    assert routed.status_code == 200
    assert routed.text == "OPTIONS"  # the integration answered the preflight
    assert routed.headers["access-control-allow-origin"] == "https://app.example"  # not the backend's
    assert routed.headers["access-control-allow-methods"] == "GET"


def test_scheme_wildcard_origins_allow_any_origin_of_that_scheme(apigw):
    """``https://*`` allows "any origin that begins with https://" (``http-api-cors.md``)."""
    deployment = apigw.deploy(_api(allow_origins=["https://*"]))
    allowed = httpx.get(f"{deployment.url}/items", headers={"Origin": "https://any.example"})
    assert allowed.headers["access-control-allow-origin"] == "https://any.example"
    other = httpx.get(f"{deployment.url}/items", headers={"Origin": "http://any.example"})
    assert "access-control-allow-origin" not in other.headers
