"""The payload 2.0 event, field for field, as a real client's request produces it."""

import base64
import http.client
import json
from urllib.parse import urlsplit

import httpx
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from pytest_apigw import Function, HttpApi, HttpStage, LambdaProxyIntegration
from tests.embedded.conftest import echo


def test_recorded_shape_of_a_plain_get(apigw, echo_api):
    deployment = apigw.deploy(echo_api("/echo"))
    event = httpx.get(f"{deployment.url}/echo").json()
    # Keys AWS leaves out when there is nothing to carry (aws-lambda-go's recorded event).
    for absent in ("body", "cookies", "queryStringParameters", "pathParameters", "stageVariables"):
        assert absent not in event
    assert event["version"] == "2.0"
    assert event["routeKey"] == "GET /echo"
    assert event["rawPath"] == "/echo"
    assert event["rawQueryString"] == ""
    assert event["isBase64Encoded"] is False
    headers = event["headers"]
    for name in ("host", "content-length", "x-forwarded-for", "x-forwarded-port", "x-forwarded-proto",
                 "x-amzn-trace-id"):
        assert name in headers
    assert headers["content-length"] == "0"
    assert headers["x-forwarded-for"] == "127.0.0.1"
    assert headers["x-amzn-trace-id"].startswith("Root=1-")
    ctx = event["requestContext"]
    assert ctx["apiId"] == deployment.api_id
    assert ctx["stage"] == "$default"
    assert ctx["routeKey"] == "GET /echo"
    assert ctx["http"] == {
        "method": "GET", "path": "/echo", "protocol": "HTTP/1.1", "sourceIp": "127.0.0.1",
        "userAgent": headers["user-agent"],
    }
    assert len(ctx["accountId"]) == 12
    assert isinstance(ctx["timeEpoch"], int) and ctx["timeEpoch"] > 1_600_000_000_000
    assert ctx["time"].endswith(" +0000")


def test_headers_lowercased_and_repeated_joined_with_commas(apigw, echo_api):
    deployment = apigw.deploy(echo_api("/echo"))
    headers = [("X-Custom", "a"), ("x-custom", "b"), ("X-Other", "c")]
    event = httpx.get(f"{deployment.url}/echo", headers=headers).json()
    assert event["headers"]["x-custom"] == "a,b"
    assert event["headers"]["x-other"] == "c"
    assert "X-Custom" not in event["headers"]


def test_cookies_split_and_removed_from_headers(apigw, echo_api):
    deployment = apigw.deploy(echo_api("/echo"))
    event = httpx.get(f"{deployment.url}/echo", headers={"Cookie": "a=1; b=2;c=3"}).json()
    assert event["cookies"] == ["a=1", "b=2", "c=3"]
    assert "cookie" not in event["headers"]


def test_query_strings_repeated_keys_joined_raw_kept(apigw, echo_api):
    deployment = apigw.deploy(echo_api("/echo"))
    event = httpx.get(f"{deployment.url}/echo?a=1&a=2&b=x%20y&flag").json()
    assert event["rawQueryString"] == "a=1&a=2&b=x%20y&flag"
    assert event["queryStringParameters"] == {"a": "1,2", "b": "x y", "flag": ""}


def test_path_parameters_url_decoded(apigw, echo_api):
    deployment = apigw.deploy(echo_api("/users/{name}/{rest+}"))
    event = httpx.get(f"{deployment.url}/users/J%C3%BCrgen/a/b%20c").json()
    assert event["pathParameters"] == {"name": "Jürgen", "rest": "a/b c"}
    assert event["routeKey"] == "GET /users/{name}/{rest+}"
    # HTTP APIs hand integrations the decoded path (seen on AWS; REST APIs keep the encoding).
    assert event["rawPath"] == "/users/Jürgen/a/b c"


def test_text_and_binary_bodies(apigw, echo_api):
    deployment = apigw.deploy(echo_api("/echo", methods=["POST"]))
    text = httpx.post(f"{deployment.url}/echo", json={"k": "v"}).json()
    assert text["body"] == '{"k":"v"}'
    assert text["isBase64Encoded"] is False
    assert text["headers"]["content-length"] == "9"
    raw = bytes(range(256))
    binary = httpx.post(
        f"{deployment.url}/echo", content=raw, headers={"content-type": "application/octet-stream"}
    ).json()
    assert binary["isBase64Encoded"] is True
    assert base64.b64decode(binary["body"]) == raw


def test_named_stage_keeps_its_segment_and_stage_variables(apigw, echo_api):
    api = echo_api("/pets", create_default_stage=False)
    HttpStage("Dev", http_api=api, stage_name="dev", stage_variables={"table": "pets-dev"})
    deployment = apigw.deploy(api)
    assert deployment.url.endswith("/dev")
    event = httpx.get(f"{deployment.url}/pets").json()
    assert event["rawPath"] == "/dev/pets"
    assert event["requestContext"]["http"]["path"] == "/dev/pets"
    assert event["routeKey"] == "GET /pets"
    assert event["requestContext"]["stage"] == "dev"
    assert event["stageVariables"] == {"table": "pets-dev"}


def test_client_x_forwarded_for_is_kept(apigw, echo_api):
    deployment = apigw.deploy(echo_api("/echo"))
    event = httpx.get(f"{deployment.url}/echo", headers={"X-Forwarded-For": "203.0.113.9"}).json()
    assert event["headers"]["x-forwarded-for"] == "203.0.113.9, 127.0.0.1"


def test_headers_named_by_connection_leave_cookies_and_forwarded_for_too(apigw, echo_api):
    """A name ``Connection`` lists is connection-specific whatever it is (RFC 9110 §7.6.1): a
    listed ``Cookie`` gives no ``cookies``, a listed ``X-Forwarded-For`` leaves only the caller's IP,
    and the other headers keep their order and their comma-joined repeats."""
    parts = urlsplit(apigw.deploy(echo_api("/echo")).url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=5)
    try:
        conn.putrequest("GET", parts.path + "/echo", skip_accept_encoding=True)
        for name, value in [("X-A", "1"), ("Cookie", "a=1"),
                            ("Connection", "Cookie, x-forwarded-for, X-Gone"),
                            ("X-Forwarded-For", "203.0.113.9"), ("X-Gone", "no"), ("X-A", "2")]:
            conn.putheader(name, value)
        conn.endheaders()
        event = json.loads(conn.getresponse().read())
    finally:
        conn.close()
    assert "cookies" not in event
    headers = event["headers"]
    assert headers["x-forwarded-for"] == "127.0.0.1"
    assert headers["x-a"] == "1,2"
    assert not {"cookie", "connection", "x-gone"} & set(headers)
    assert list(headers)[:2] == ["host", "x-a"]
    assert event["requestContext"]["domainName"] == headers["host"]


_NAMES = ("X-A", "X-B", "X-Forwarded-For", "X-Forwarded-Proto", "X-Amzn-Trace-Id", "Connection")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(headers=st.lists(st.tuples(st.sampled_from(_NAMES),
                                  st.lists(st.sampled_from(("x-a", "x-b", "x-forwarded-for", "v", "w")),
                                           min_size=1, max_size=3).map(", ".join)), max_size=6))
@example(headers=[("X-A", "1"), ("Connection", "x-a, x-forwarded-for"), ("X-Forwarded-For", "v"),
                  ("X-B", "2")])
def test_headers_follow_the_same_rules_as_payload_1_0(apigw_session, headers):
    """The 2.0 event builds its headers in one pass of its own (``event_v2.py``), as the 1.0
    event does in its own (``event_v1.py``, checked against :func:`forwarded_headers`, the general
    rules, in ``test_lambda_event_v1.py``); the two must carry the same headers: the same names,
    values and order, lower-cased and comma-joined, the trace id aside."""
    api = HttpApi("SameRules")
    for path, version in (("/v1", "1.0"), ("/v2", "2.0")):
        api.add_routes(path=path, methods=["GET"], integration=LambdaProxyIntegration(
            handler=Function(f"Echo{version[0]}", handler=echo), payload_format_version=version))
    with apigw_session.deployed(api) as deployment:
        parts = urlsplit(deployment.url)
        events = []
        for path in ("/v1", "/v2"):
            conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=5)
            try:
                conn.putrequest("GET", parts.path + path, skip_accept_encoding=True)
                for name, value in headers:
                    conn.putheader(name, value)
                conn.endheaders()
                events.append(json.loads(conn.getresponse().read()))
            finally:
                conn.close()
    v1, v2 = events
    expected = {name.lower(): ",".join(values) for name, values in v1["multiValueHeaders"].items()}
    expected.pop("x-amzn-trace-id")
    got = dict(v2["headers"])
    got.pop("x-amzn-trace-id")
    assert list(got.items()) == list(expected.items())
