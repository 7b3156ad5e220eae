"""The seed's six examples written with the real ``aws-cdk-lib`` (``seed_stacks.py``), read with
``load_template(stack)`` and served over real sockets; what the stacks point at outside the test
(HTTP endpoint, load balancer targets, Cloud Map instances) is replaced with ``upstreams=``.

Run it: ``pytest examples/cdk_seed``.
"""

from __future__ import annotations

from collections import Counter

import httpx

from pytest_apigw import (
    HttpAlbIntegration,
    HttpNlbIntegration,
    HttpServiceDiscoveryIntegration,
    load_template,
)


def test_lambda_books(apigw, seed_stacks):
    deployment = apigw.deploy(seed_stacks["lambda"])          # a live Stack holding one API
    response = httpx.get(f"{deployment.url}/books")
    assert response.status_code == 200
    assert response.json() == {
        "shelf": "fiction", "path": "/books", "function": "LambdaStack-BooksDefaultFnD723EB12"}
    assert httpx.get(f"{deployment.url}/authors").json() == {"message": "Not Found"}


def test_http_proxy_books(apigw, seed_stacks, loopback_targets):
    port = loopback_targets("books-proxy")["books-proxy"]
    template = load_template(seed_stacks["http_proxy"],
                             upstreams={"https://get-books-proxy.myproxy.internal": f"http://127.0.0.1:{port}"})
    deployment = apigw.deploy(template.api("HttpApi"))
    assert httpx.get(f"{deployment.url}/books").json()["target"] == "books-proxy"
    assert httpx.post(f"{deployment.url}/books").status_code == 404


def test_alb_round_robin(apigw, seed_stacks, loopback_targets):
    ports = loopback_targets("t1", "t2", "t3")
    template = load_template(seed_stacks["alb"],
                             upstreams={"listener": [f"http://127.0.0.1:{p}" for p in ports.values()]})
    api = template.api("HttpProxyPrivateApi")
    assert isinstance(api.routes["$default"].integration, HttpAlbIntegration)
    deployment = apigw.deploy(api)
    with httpx.Client() as client:
        served = Counter(client.get(f"{deployment.url}/orders").json()["target"] for _ in range(9))
    assert served == {"t1": 3, "t2": 3, "t3": 3}


def test_nlb_by_target_group(apigw, seed_stacks, loopback_targets):
    port = loopback_targets("nlb-target")["nlb-target"]
    template = load_template(seed_stacks["nlb"], upstreams={"lb/listener/targetGroup": f"http://127.0.0.1:{port}"})
    api = template.api()
    assert isinstance(api.routes["$default"].integration, HttpNlbIntegration)
    deployment = apigw.deploy(api)
    assert httpx.get(f"{deployment.url}/orders/7").json() == {"target": "nlb-target", "path": "/orders/7"}


def test_cloud_map_instances(apigw, seed_stacks, loopback_targets):
    ports = loopback_targets("v1", "v2")
    template = load_template(seed_stacks["cloud_map"],
                             upstreams={"Service": [f"http://127.0.0.1:{p}" for p in ports.values()]})
    api = template.api()
    assert isinstance(api.routes["$default"].integration, HttpServiceDiscoveryIntegration)
    deployment = apigw.deploy(api)
    assert {httpx.get(f"{deployment.url}/anything").json()["target"] for _ in range(4)} == {"v1", "v2"}


def test_websocket_sendmessage(apigw, seed_stacks):
    template = load_template(seed_stacks["websocket"])
    deployment = apigw.deploy(template.api("mywsapi"))
    assert deployment.url.endswith("/dev")
    with deployment.ws_connect() as client:
        client.send_json({"action": "sendmessage", "text": "hello"})
        assert client.recv_json() == {"echo": "hello", "route": "sendmessage"}


def test_two_index_handlers_never_shadow_each_other(apigw, seed_stacks):
    """The Books asset and the WebSocket inline code are both ``index.handler``."""
    books = apigw.deploy(seed_stacks["lambda"])
    chat = apigw.deploy(load_template(seed_stacks["websocket"]).api())
    with chat.ws_connect() as client:
        client.send_json({"action": "sendmessage", "text": "one"})
        assert client.recv_json()["echo"] == "one"
    assert httpx.get(f"{books.url}/books").json()["shelf"] == "fiction"


def test_lookup_by_construct_id_path_and_name(seed_stacks):
    template = load_template(seed_stacks["cloud_map"], upstreams={"Namespace/Service": "http://127.0.0.1:9"})
    api = template.api("HttpProxyPrivateApiA55E154D")
    assert template.api("HttpProxyPrivateApi") is api                     # construct id and Name
    assert template.api("CloudMapStack/HttpProxyPrivateApi") is api       # construct path
    books = load_template(seed_stacks["lambda"])
    assert books.function("BooksDefaultFn") is books.functions["BooksDefaultFnD723EB12"]
    assert books.function("LambdaStack-BooksDefaultFnD723EB12") is books.functions["BooksDefaultFnD723EB12"]
