"""HttpProxyIntegration on the embedded backend, against real loopback upstreams."""

from __future__ import annotations

import httpx
import pytest

from pytest_apigw import HttpApi, HttpMethod, HttpProxyIntegration, HttpStage, SpecError
from tests.embedded.upstream_servers import running_upstreams


@pytest.fixture
def upstreams():
    yield from running_upstreams()


def _headers(seen):
    return dict(seen["headers"])


def test_method_headers_query_and_body_are_forwarded(apigw, upstreams):
    echo = upstreams.echo()
    api = HttpApi("Proxy")
    api.add_routes(path="/items", methods=[HttpMethod.POST],
                   integration=HttpProxyIntegration(url=f"{echo.url}/backend/items?fixed=1"))
    deployment = apigw.deploy(api)
    response = httpx.post(f"{deployment.url}/items?a=1&a=2&b=x%20y", content=b'{"n": 1}',
                          headers={"x-custom": "v", "content-type": "application/json"})
    assert response.status_code == 200
    seen = response.json()
    assert seen["method"] == "POST"
    assert seen["path"] == "/backend/items"
    assert seen["query"] == "fixed=1&a=1&a=2&b=x%20y"
    assert seen["body"] == '{"n": 1}'
    headers = _headers(seen)
    assert headers["x-custom"] == "v"
    assert headers["content-type"] == "application/json"
    assert headers["host"] == f"127.0.0.1:{echo.port}"
    assert headers["x-forwarded-for"] == "127.0.0.1"
    assert headers["x-forwarded-proto"] == "http"
    assert headers["x-forwarded-port"] == deployment.url.rsplit(":", 1)[1]
    assert headers["x-amzn-trace-id"].startswith("Root=1-")
    # The upstream's status and headers are relayed, with the gateway's request id.
    assert response.headers["x-upstream"] == "echo"
    assert response.headers["apigw-requestid"]


def test_integration_method_replaces_the_clients_unless_any(apigw, upstreams):
    echo = upstreams.echo()
    api = HttpApi("Proxy")
    api.add_routes(path="/fixed", methods=[HttpMethod.POST],
                   integration=HttpProxyIntegration(url=echo.url + "/f", method=HttpMethod.PUT))
    api.add_routes(path="/any", methods=[HttpMethod.DELETE], integration=HttpProxyIntegration(url=echo.url))
    deployment = apigw.deploy(api)
    assert httpx.post(f"{deployment.url}/fixed").json()["method"] == "PUT"
    assert httpx.delete(f"{deployment.url}/any").json()["method"] == "DELETE"


def test_default_route_sends_the_full_request_path(apigw, upstreams):
    echo = upstreams.echo()
    api = HttpApi("Proxy", default_integration=HttpProxyIntegration(url=f"{echo.url}/base/"))
    HttpStage("Dev", http_api=api, stage_name="dev")
    deployment = apigw.deploy(api)
    assert httpx.get(f"{deployment.url}/a/b%20c?q=1").json()["path"] == "/base/a/b%20c"
    # A named stage's segment is part of the full path.
    assert httpx.get(f"{deployment.url}/dev/a").json()["path"] == "/base/dev/a"


def test_greedy_proxy_and_path_parameters_in_the_url(apigw, upstreams):
    echo = upstreams.echo()
    api = HttpApi("Proxy")
    api.add_routes(path="/files/{proxy+}", methods=[HttpMethod.GET],
                   integration=HttpProxyIntegration(url=f"{echo.url}/store/{{proxy}}"))
    api.add_routes(path="/pets/{petId}", methods=[HttpMethod.GET],
                   integration=HttpProxyIntegration(url=f"{echo.url}/pets/extended/{{petId}}"))
    deployment = apigw.deploy(api)
    assert httpx.get(f"{deployment.url}/files/a/b/c.txt").json()["path"] == "/store/a/b/c.txt"
    assert httpx.get(f"{deployment.url}/files/x%20y/z").json()["path"] == "/store/x%20y/z"
    assert httpx.get(f"{deployment.url}/pets/6").json()["path"] == "/pets/extended/6"
    # Values are decoded by the gateway and encoded again into the URL (UTF-8, as quote does).
    assert httpx.get(f"{deployment.url}/pets/caf%C3%A9%20au%20lait").json()["path"] == \
        "/pets/extended/caf%C3%A9%20au%20lait"
    assert httpx.get(f"{deployment.url}/files/d%C3%A9j%C3%A0/vu;1").json()["path"] == \
        "/store/d%C3%A9j%C3%A0/vu;1"


def test_stage_variables_in_the_url(apigw, upstreams):
    blue, green = upstreams.echo("blue"), upstreams.echo("green")
    api = HttpApi("Proxy", create_default_stage=False)
    url = "http://127.0.0.1:${stageVariables.port}/${stageVariables.prefix}/x"
    api.add_routes(path="/x", methods=[HttpMethod.GET], integration=HttpProxyIntegration(url=url))
    HttpStage("Blue", http_api=api, stage_name="blue",
              stage_variables={"port": str(blue.port), "prefix": "b"})
    HttpStage("Green", http_api=api, stage_name="green",
              stage_variables={"port": str(green.port), "prefix": "g"})
    deployment = apigw.deploy(api, stage="blue")
    root = deployment.url.rsplit("/blue", 1)[0]
    assert httpx.get(f"{root}/blue/x").json() | {"headers": None} == {
        "server": "blue", "method": "GET", "path": "/b/x", "query": "", "headers": None, "body": ""}
    assert httpx.get(f"{root}/green/x").json()["server"] == "green"


def test_hop_by_hop_headers_are_not_forwarded_either_way(apigw, upstreams):
    echo = upstreams.echo(headers=[("connection", "x-secret-hop"), ("x-secret-hop", "1"),
                                   ("keep-alive", "timeout=5"), ("x-kept", "yes")])
    api = HttpApi("Proxy", default_integration=HttpProxyIntegration(url=echo.url))
    deployment = apigw.deploy(api)
    response = httpx.get(deployment.url + "/", headers={
        "connection": "keep-alive, x-drop-me", "x-drop-me": "1", "te": "trailers",
        "proxy-authorization": "Basic x", "upgrade": "h2c", "x-forwarded-for": "10.0.0.1",
    })
    headers = _headers(response.json())
    for hop in ("connection", "x-drop-me", "te", "proxy-authorization", "upgrade", "keep-alive"):
        assert hop not in headers
    assert headers["x-forwarded-for"] == "10.0.0.1, 127.0.0.1"
    assert "x-secret-hop" not in response.headers
    assert "keep-alive" not in response.headers
    assert response.headers["x-kept"] == "yes"


def test_client_trace_id_and_forwarded_for_values_are_kept(apigw, upstreams):
    echo = upstreams.echo()
    deployment = apigw.deploy(HttpApi("Proxy", default_integration=HttpProxyIntegration(url=echo.url)))
    sent = [("x-amzn-trace-id", "Root=1-00000000-aaaaaaaaaaaaaaaaaaaaaaaa"),
            ("x-forwarded-for", "10.0.0.1"), ("x-forwarded-for", "10.0.0.2")]
    seen = httpx.get(deployment.url + "/", headers=sent).json()["headers"]
    assert [v for k, v in seen if k == "x-amzn-trace-id"] == ["Root=1-00000000-aaaaaaaaaaaaaaaaaaaaaaaa"]
    assert [v for k, v in seen if k == "x-forwarded-for"] == ["10.0.0.1,10.0.0.2, 127.0.0.1"]
    # A trace id the client's Connection header names is dropped: the gateway adds its own.
    listed = [*sent, ("connection", "x-amzn-trace-id")]
    seen = httpx.get(deployment.url + "/", headers=listed).json()["headers"]
    traces = [v for k, v in seen if k == "x-amzn-trace-id"]
    assert len(traces) == 1 and traces[0].startswith("Root=1-") and "aaaaaaaa" not in traces[0]


def test_status_body_and_repeated_headers_are_relayed(apigw, upstreams):
    echo = upstreams.echo(status=418, body=b"\x00\x01binary", headers=[
        ("set-cookie", "a=1"), ("set-cookie", "b=2"), ("content-encoding", "identity"),
        ("content-type", "application/octet-stream")])
    api = HttpApi("Proxy", default_integration=HttpProxyIntegration(url=echo.url))
    response = httpx.get(apigw.deploy(api).url + "/")
    assert response.status_code == 418
    assert response.content == b"\x00\x01binary"
    assert response.headers.get_list("set-cookie") == ["a=1", "b=2"]


def test_url_must_be_absolute_http():
    with pytest.raises(SpecError, match="absolute http"):
        HttpProxyIntegration(url="ftp://example.com")
