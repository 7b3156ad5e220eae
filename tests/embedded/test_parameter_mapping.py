"""Parameter mapping (request and response) on HTTP integrations, over real HTTP."""

from __future__ import annotations

import httpx
import pytest

from pytest_apigw import (
    HttpApi,
    HttpMethod,
    HttpProxyIntegration,
    HttpStage,
    MappingValue,
    ParameterMapping,
    SpecError,
)
from tests.embedded.upstream_servers import running_upstreams


@pytest.fixture
def upstreams():
    yield from running_upstreams()


def _deploy(apigw, url, path="/items/{id}", stage_variables=None, **kwargs):
    api = HttpApi("Mapped", create_default_stage=False)
    api.add_routes(path=path, methods=[HttpMethod.ANY], integration=HttpProxyIntegration(url=url, **kwargs))
    HttpStage("Dev", http_api=api, stage_name="dev", stage_variables=stage_variables)
    return apigw.deploy(api).url


def test_header_mappings_append_overwrite_remove(apigw, upstreams):
    echo = upstreams.echo()
    mapping = (ParameterMapping()
               .append_header("x-added", MappingValue.custom("static"))
               .append_header("x-multi", MappingValue.custom("second"))
               .overwrite_header("x-replaced", MappingValue.request_header("x-source"))
               .remove_header("x-secret")
               .append_header("x-missing", MappingValue.request_header("x-not-sent")))
    url = _deploy(apigw, echo.url, parameter_mapping=mapping)
    response = httpx.get(f"{url}/items/1", headers={
        "x-multi": "first", "x-replaced": "old", "x-source": "new", "x-secret": "s"})
    headers = dict(response.json()["headers"])
    assert headers["x-added"] == "static"
    assert headers["x-multi"] == "first,second"
    assert headers["x-replaced"] == "new"
    assert "x-secret" not in headers
    assert "x-missing" not in headers  # a selector naming nothing skips the mapping


def test_querystring_mappings_append_overwrite_remove(apigw, upstreams):
    echo = upstreams.echo()
    mapping = (ParameterMapping()
               .append_query_string("tag", MappingValue.custom("added"))
               .overwrite_query_string("page", MappingValue.custom("9"))
               .remove_query_string("token")
               .append_query_string("from", MappingValue.request_query_string("orig")))
    url = _deploy(apigw, echo.url, parameter_mapping=mapping)
    seen = httpx.get(f"{url}/items/1?tag=a&page=1&page=2&token=t&orig=x%20y").json()
    assert seen["query"] == "tag=a&orig=x%20y&tag=added&page=9&from=x%20y"


def test_overwrite_path_and_value_sources(apigw, upstreams):
    echo = upstreams.echo()
    mapping = (ParameterMapping()
               .overwrite_path(MappingValue.custom("/v2/items/${request.path.id}"))
               .append_header("x-body", MappingValue.request_body("order.lines[1].sku"))
               .append_header("x-body-object", MappingValue.request_body("order.customer"))
               .append_header("x-path", MappingValue.request_path())
               .append_header("x-id", MappingValue.request_path_param("id"))
               .append_header("x-request-id", MappingValue.context_variable("requestId"))
               .append_header("x-stage", MappingValue.context_variable("stage"))
               .append_header("x-source-ip", MappingValue.context_variable("identity.sourceIp"))
               .append_header("x-env", MappingValue.stage_variable("env"))
               .append_header("x-mixed", MappingValue.custom("${context.httpMethod} ${request.header.x-a}!")))
    url = _deploy(apigw, echo.url + "/ignored", parameter_mapping=mapping, stage_variables={"env": "qa"})
    body = {"order": {"customer": {"id": 7}, "lines": [{"sku": "A"}, {"sku": "B"}]}}
    response = httpx.post(f"{url}/items/42", json=body, headers={"x-a": "yes"})
    seen = response.json()
    headers = dict(seen["headers"])
    assert seen["path"] == "/v2/items/42"
    assert headers["x-body"] == "B"
    assert headers["x-body-object"] == '{"id":7}'
    assert headers["x-path"] == "/items/42"  # $request.path has no stage segment
    assert headers["x-id"] == "42"
    assert headers["x-request-id"] == response.headers["apigw-requestid"]
    assert headers["x-stage"] == "dev"
    assert headers["x-source-ip"] == "127.0.0.1"
    assert headers["x-env"] == "qa"
    assert headers["x-mixed"] == "POST yes!"


def test_response_mappings_per_status_code(apigw, upstreams):
    failing = upstreams.echo("failing", status=500, body=b'{"error": {"code": "E42"}}',
                             headers=[("x-internal", "1"), ("x-kind", "db")])
    ok = upstreams.echo("ok")
    per_status = {
        500: (ParameterMapping()
              .overwrite_status_code(403)
              .append_header("x-error-code", MappingValue.response_body("error.code"))
              .overwrite_header("x-kind", MappingValue.custom("kind=${response.header.x-kind}"))
              .remove_header("x-internal")
              .append_header("x-request-id", MappingValue.context_variable("requestId"))),
        404: ParameterMapping().append_header("x-never", MappingValue.custom("1")),
    }
    api = HttpApi("Mapped")
    api.add_routes(path="/fail", integration=HttpProxyIntegration(
        url=failing.url, response_parameter_mapping=per_status))
    api.add_routes(path="/ok", integration=HttpProxyIntegration(
        url=ok.url, response_parameter_mapping=per_status))
    url = apigw.deploy(api).url
    response = httpx.get(url + "/fail")
    assert response.status_code == 403
    assert response.headers["x-error-code"] == "E42"
    assert response.headers["x-kind"] == "kind=db"
    assert "x-internal" not in response.headers
    assert response.headers["x-request-id"] == response.headers["apigw-requestid"]
    assert response.json() == {"error": {"code": "E42"}}  # the body is untouched
    untouched = httpx.get(url + "/ok")
    assert untouched.status_code == 200
    assert "x-never" not in untouched.headers


@pytest.mark.parametrize("name", ["Authorization", "connection", "Content-Length", "x-amzn-trace-id",
                                  "X-Amz-Date", "access-control-allow-origin", "apigw-requestid",
                                  "X-Forwarded-For", "Host-Not-Reserved"])
def test_reserved_headers_are_refused_at_construction(name):
    if name == "Host-Not-Reserved":
        assert ParameterMapping().overwrite_header("host", MappingValue.custom("x")).mappings
        return
    with pytest.raises(SpecError, match=f"Operations on header {name.lower()} are restricted"):
        ParameterMapping().overwrite_header(name, MappingValue.custom("x"))
    with pytest.raises(SpecError, match="reserved header"):
        HttpProxyIntegration(url="http://example.com", parameter_mapping={f"append:header.{name}": "x"})


@pytest.mark.parametrize(("request_side", "key"), [
    (True, "overwrite:statuscode"), (True, "rename:header.x"), (True, "append:path"),
    (False, "overwrite:path"), (False, "append:querystring.q"),
])
def test_invalid_keys_are_refused(request_side, key):
    with pytest.raises(SpecError):
        if request_side:
            HttpProxyIntegration(url="http://example.com", parameter_mapping={key: "x"})
        else:
            HttpProxyIntegration(url="http://example.com", response_parameter_mapping={200: {key: "x"}})


def test_from_object_and_mapping_values_mirror_cdk():
    mapping = ParameterMapping.from_object({
        "append:header.x-a": MappingValue.request_header("a"),
        "remove:querystring.q": MappingValue.NONE,
    })
    assert mapping.mappings == {"append:header.x-a": "$request.header.a", "remove:querystring.q": ""}
    with pytest.raises(SpecError, match="status code"):
        HttpProxyIntegration(url="http://example.com", response_parameter_mapping={99: {}})
