"""What the HTTP hop caches per shape (``upstream/headers.py``, ``upstream/client.py``) is never
stale and never shared: request header lines rendered once per request shape (only the trace id
new per request), upstream response headers decoded and filtered once per header set; and the
one-variable URL template (``http_proxy.compile_url``) fills in what the general one does.

Real requests over real sockets where the cache could go wrong across requests (same shape
twice, shapes alternating, two integrations with the same client headers); Hypothesis compares
the cached results, first and second call, against the general rules."""

from __future__ import annotations

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pytest_apigw import (
    ApplicationLoadBalancer,
    HttpAlbIntegration,
    HttpApi,
    HttpProxyIntegration,
    IpTarget,
    Vpc,
)
from tests.embedded.upstream_servers import running_upstreams


@pytest.fixture
def upstreams():
    yield from running_upstreams()


def _seen(response: httpx.Response) -> dict[str, str]:
    return dict(response.json()["headers"])


def test_the_same_request_shape_gets_a_new_trace_id_each_time_and_changes_are_seen(apigw, upstreams):
    echo = upstreams.echo()
    url = apigw.deploy(HttpApi("Shapes", default_integration=HttpProxyIntegration(url=echo.url))).url + "/x"
    with httpx.Client() as client:
        first, second = (_seen(client.get(url, headers={"x-a": "1"})) for _ in range(2))
        other = _seen(client.get(url, headers={"x-a": "2", "x-b": "3"}))
        again = _seen(client.get(url, headers={"x-a": "1"}))
    assert first["x-amzn-trace-id"] != second["x-amzn-trace-id"] != again["x-amzn-trace-id"]
    for seen in (first, second, again):
        assert seen["x-a"] == "1" and "x-b" not in seen
    assert (other["x-a"], other["x-b"]) == ("2", "3")
    without_trace = [{k: v for k, v in s.items() if k != "x-amzn-trace-id"} for s in (first, second, again)]
    assert without_trace[0] == without_trace[1] == without_trace[2]
    assert first["host"] == f"127.0.0.1:{echo.port}" and first["x-forwarded-for"] == "127.0.0.1"


def test_integrations_sharing_a_request_shape_each_send_their_own_host(apigw, upstreams):
    one, two = upstreams.echo("one"), upstreams.echo("two")
    listener = ApplicationLoadBalancer("Alb", vpc=Vpc("Vpc")).add_listener("L", port=80)
    listener.add_targets("T", targets=[IpTarget("127.0.0.1", two.port)])
    api = HttpApi("Hosts")
    api.add_routes(path="/one", integration=HttpProxyIntegration(url=f"{one.url}/one"))
    api.add_routes(path="/two", integration=HttpAlbIntegration(listener=listener))
    url = apigw.deploy(api).url
    with httpx.Client() as client:
        for _ in range(2):
            assert _seen(client.get(url + "/one", headers={"x-a": "1"}))["host"] == f"127.0.0.1:{one.port}"
            seen = client.get(url + "/two", headers={"x-a": "1"}).json()
            assert seen["server"] == "two" and dict(seen["headers"])["host"] == f"127.0.0.1:{two.port}"
            hosts = [v for k, v in seen["headers"] if k == "host"]
            assert len(hosts) == 1


def test_response_header_sets_alternating_are_each_relayed_as_sent(apigw, upstreams):
    plain = upstreams.echo("plain", headers=[("x-kind", "plain")])
    hop = upstreams.echo("hop", headers=[("connection", "x-secret"), ("x-secret", "1"), ("x-kind", "hop")])
    api = HttpApi("Answers")
    api.add_routes(path="/plain", integration=HttpProxyIntegration(url=plain.url))
    api.add_routes(path="/hop", integration=HttpProxyIntegration(url=hop.url))
    url = apigw.deploy(api).url
    with httpx.Client() as client:
        for _ in range(3):
            first = client.get(url + "/plain")
            second = client.get(url + "/hop")
            assert first.headers.get_list("x-kind") == ["plain"] and first.headers["x-upstream"] == "plain"
            assert second.headers.get_list("x-kind") == ["hop"] and "x-secret" not in second.headers
            assert second.headers["x-upstream"] == "hop"
            assert first.headers["content-length"] == str(len(first.content))


_NAMES = st.sampled_from(["content-type", "content-length", "connection", "keep-alive", "x-a", "x-b", "date",
                          "transfer-encoding", "set-cookie"])
_VALUES = st.sampled_from(["1", "x-a", "x-b, keep-alive", "close", "a=1", ""])


@settings(max_examples=200, deadline=None)
@given(headers=st.lists(st.tuples(_NAMES, _VALUES), max_size=6))
def test_relayed_response_headers_are_the_general_rules_first_time_and_cached(headers):
    from pytest_apigw_embedded.exchange.headers import without
    from pytest_apigw_embedded.integrations.upstream.headers import _NOT_RELAYED, response_headers

    expected = without(headers, _NOT_RELAYED)
    first = response_headers(list(headers))
    first.append(("x-added-by-the-chain", "1"))  # the caller's own list: the cache is not touched
    assert first[:-1] == expected
    assert response_headers(list(headers)) == expected


@settings(max_examples=100, deadline=None)
@given(raw=st.lists(st.tuples(st.sampled_from([b"Content-Type", b"X-A", b"date"]),
                              st.sampled_from([b"1", b"\xe9t\xe9", b""])), max_size=4))
def test_decoded_response_headers_are_the_same_first_time_and_cached(raw):
    from pytest_apigw_embedded.integrations.upstream.client import _decoded

    expected = [(k.decode("latin-1").lower(), v.decode("latin-1")) for k, v in raw]
    first = _decoded(list(raw))
    first.append(("x", "y"))
    assert first[:-1] == expected and _decoded(list(raw)) == expected


_PARAM = st.text(st.characters(min_codepoint=32, max_codepoint=0x2FF), max_size=10)


@settings(max_examples=200, deadline=None)
@given(head=st.sampled_from(["", "/", "/store/", "/a%20b/"]),
       tail=st.sampled_from(["", "/x", "?q=1", ".json"]),
       variable=st.sampled_from(["{proxy}", "{proxy+}", "{id}", "{file.name}", "${stageVariables.v}"]),
       value=_PARAM)
def test_a_one_variable_url_is_filled_in_as_the_general_template_does(head, tail, variable, value):
    from types import SimpleNamespace

    from pytest_apigw_embedded.integrations.http_proxy import _general, compile_url, parse_url

    template = f"{head}{variable}{tail}"
    general = _general(*parse_url(template))
    name = parse_url(template)[1][0][1]
    for params in ({name: value}, {}):
        ctx = SimpleNamespace(match=SimpleNamespace(path_parameters=params), stage_variables=params)
        assert compile_url(template)(ctx) == general(ctx)  # type: ignore[arg-type]
    assert general(ctx) == head + tail  # type: ignore[arg-type]
