"""A hand-written YAML template (short forms, parameters, conditions, mappings, inline code)
read with ``load_template`` and served over real sockets."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from pytest_apigw import load_template
from pytest_apigw.invocations import LOG
from tests.embedded.upstream_servers import running_upstreams

SHOP = Path(__file__).parent / "data" / "shop.yaml"


@pytest.fixture
def upstreams():
    """Loopback upstream servers, stopped at teardown."""
    yield from running_upstreams()


def test_short_forms_parameters_and_mappings(apigw):
    deployment = apigw.deploy(load_template(SHOP).api("Api"))
    assert deployment.url.endswith("/dev")
    assert httpx.get(f"{deployment.url}/orders/42").json() == {
        "SHELF": "test-shelf", "TABLE": "shop-orders-dev", "MODE": "test", "REGION": "us",
        "stage": "dev", "id": "42", "function": "shop-OrdersFunction",
    }


def test_parameters_change_what_is_deployed(apigw):
    template = load_template(SHOP, parameters={"Stage": "prod", "WithAdmin": "true"})
    api = template.api("shop-prod")                                   # by the API's Name
    assert set(template.functions) == {"OrdersFunction", "AdminFunction", "ReturnsFunction"}
    deployment = apigw.deploy(api)
    assert httpx.get(f"{deployment.url}/orders/1").json()["SHELF"] == "real-shelf"
    assert httpx.get(f"{deployment.url}/orders/1").json()["MODE"] == "live"
    # AdminFunction has no permission for API Gateway: AWS answers 500
    assert httpx.get(f"{deployment.url}/admin").status_code == 500


def test_false_conditions_leave_resources_out(apigw):
    template = load_template(SHOP)
    assert "AdminFunction" not in template.functions
    assert "GET /admin" not in template.api().routes
    deployment = apigw.deploy(template)                                # a Template of one API
    assert httpx.get(f"{deployment.url}/admin").json() == {"message": "Not Found"}


def test_a_route_without_a_lambda_permission_answers_500_and_says_why(apigw):
    deployment = apigw.deploy(load_template(SHOP).api())
    mark = LOG.mark()
    response = httpx.post(f"{deployment.url}/returns")
    assert response.status_code == 500
    assert response.json() == {"message": "Internal Server Error"}
    [record] = LOG.since(mark)
    assert "AWS::Lambda::Permission" in record.error and "shop-ReturnsFunction" in record.error


def test_http_proxy_url_and_stage_variables_through_upstreams(apigw, upstreams):
    catalog = upstreams.echo("catalog")
    template = load_template(SHOP, upstreams={"https://catalog.shop.internal": catalog.url})
    deployment = apigw.deploy(template.api())
    seen = httpx.get(f"{deployment.url}/catalog/books/7").json()
    assert seen["server"] == "catalog" and seen["method"] == "GET"
    assert seen["path"] == "/items/books/7"
    assert "test-shelf" in str(seen["headers"])


def test_cors_configuration_answers_preflights(apigw):
    deployment = apigw.deploy(load_template(SHOP).api())
    response = httpx.options(f"{deployment.url}/orders/1", headers={
        "origin": "https://shop.example.com", "access-control-request-method": "GET"})
    assert response.status_code == 204
    assert response.headers["access-control-allow-origin"] == "https://shop.example.com"
    assert response.headers["access-control-max-age"] == "600"


def test_stage_route_settings_throttle(apigw, tmp_path):
    text = SHOP.read_text().replace("""      StageVariables:
        shelf:""", """      DefaultRouteSettings: {ThrottlingBurstLimit: 100, ThrottlingRateLimit: 50}
      RouteSettings:
        GET /orders/{id}: {ThrottlingBurstLimit: 2, ThrottlingRateLimit: 0.001}
      StageVariables:
        shelf:""")
    (tmp_path / "shop.yaml").write_text(text)
    deployment = apigw.deploy(load_template(tmp_path / "shop.yaml").api())
    statuses = [httpx.get(f"{deployment.url}/orders/1").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    # other routes have the stage's default (burst 100): not throttled
    assert [httpx.post(f"{deployment.url}/returns").status_code for _ in range(3)] == [500, 500, 500]


def test_quick_create_and_a_template_dict(apigw):
    template = load_template({"Resources": {
        "Fn": {"Type": "AWS::Lambda::Function", "Properties": {
            "Runtime": "python3.12", "Handler": "index.handler",
            "Code": {"ZipFile": "def handler(e, c):\n    return {'statusCode': 200, 'body': e['rawPath']}"}}},
        "Quick": {"Type": "AWS::ApiGatewayV2::Api", "Properties": {
            "Name": "quick", "ProtocolType": "HTTP", "Target": {"Fn::GetAtt": ["Fn", "Arn"]}}},
        "Allow": {"Type": "AWS::Lambda::Permission", "Properties": {
            "Action": "lambda:InvokeFunction", "FunctionName": {"Ref": "Fn"},
            "Principal": "apigateway.amazonaws.com"}},
    }})
    deployment = apigw.deploy(template.api("quick"))
    assert httpx.get(f"{deployment.url}/any/path").text == "/any/path"


def test_function_names_as_cloudformation_gives_them():
    generated = load_template(SHOP).functions["OrdersFunction"]
    assert (generated.function_name, generated.named) == ("shop-OrdersFunction", False)  # made unique
    template = {"Resources": {"Fn": {"Type": "AWS::Lambda::Function", "Properties": {
        "FunctionName": "books-fn", "Runtime": "python3.12", "Handler": "index.handler",
        "Code": {"ZipFile": "def handler(e, c): pass"}}}}}
    fixed = load_template(template).functions["Fn"]
    assert (fixed.function_name, fixed.named) == ("books-fn", True)                     # kept as is
