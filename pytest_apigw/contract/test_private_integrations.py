"""Conformance: private integrations (ALB, NLB, Cloud Map through a VPC link) to echo upstreams.

Generated APIs (route tables, named stages) whose routes go to load balancer listeners or Cloud
Map services; their targets are :class:`EchoUpstream` servers on loopback, so each answer says
what the backend received (method, path with the stage segment, query, headers, body) and which
target served it: it must be one of the registered targets (for Cloud Map, one of the instances
the attribute filters select; a decoy instance that the filters exclude must never be used).
"""

from __future__ import annotations

import itertools
import json
import threading
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import given, note
from hypothesis import strategies as st

from pytest_apigw import capabilities
from pytest_apigw.contract.cases import send, stages_for
from pytest_apigw.contract.check import observed_response
from pytest_apigw.contract.model import compare, predict
from pytest_apigw.contract.model.encoding import parse_query
from pytest_apigw.contract.model.expect import Diff
from pytest_apigw.contract.model.private import relayed_response
from pytest_apigw.contract.probes import EchoUpstream
from pytest_apigw.contract.profiles import contract_settings, per_deployment
from pytest_apigw.contract.report import format_case
from pytest_apigw.spec import (
    ApplicationLoadBalancer,
    HttpAlbIntegration,
    HttpNlbIntegration,
    HttpServiceDiscoveryIntegration,
    IpTarget,
    NetworkLoadBalancer,
    PrivateDnsNamespace,
    Vpc,
    VpcLink,
)
from pytest_apigw.strategies import http_apis, requests_for

if TYPE_CHECKING:
    from collections.abc import Callable

    from pytest_apigw.backend import Backend
    from pytest_apigw.session import Apigw

KINDS = {
    "alb": capabilities.PRIVATE_ALB,
    "nlb": capabilities.PRIVATE_NLB,
    "cloud_map": capabilities.PRIVATE_CLOUD_MAP,
}
#: What every echo upstream answers (the rest of its answer is the description, checked apart).
ECHO_ANSWER = (200, [("content-type", "application/json")])
_ids = itertools.count()


@pytest.fixture(scope="module")
def echo_targets() -> Iterator[list[EchoUpstream]]:
    """Four echo upstreams: three to register as targets, the last one a Cloud Map decoy."""
    upstreams = [EchoUpstream().start() for _ in range(4)]
    try:
        yield upstreams
    finally:  # stopped side by side: each stop waits for its server's poll interval
        stoppers = [threading.Thread(target=upstream.stop) for upstream in upstreams]
        for thread in stoppers:
            thread.start()
        for thread in stoppers:
            thread.join()


@st.composite
def private_integrations(draw: st.DrawFn, kind: str, upstreams: list[EchoUpstream]) -> Any:
    """An ALB / NLB / Cloud Map integration over one to three of ``upstreams[:3]``; a Cloud Map
    service also registers ``upstreams[3]`` with attributes its filters exclude."""
    chosen = draw(st.lists(st.sampled_from(upstreams[:3]), min_size=1, max_size=3, unique=True))
    method = draw(st.sampled_from(["ANY", "ANY", "POST"]))
    n = next(_ids)
    vpc = Vpc(f"Vpc{n}")
    if kind == "cloud_map":
        service = PrivateDnsNamespace(f"Ns{n}", name=f"ns{n}.local", vpc=vpc).create_service(f"Svc{n}")
        filtered = draw(st.booleans())
        for index, upstream in enumerate(chosen):
            ip, port = upstream.address
            service.register_ip_instance(f"i{index}", ipv4=ip, port=port,
                                         custom_attributes={"stage": "prod"} if filtered else None)
        filters = {"stage": "prod"} if filtered else None
        if filtered:
            ip, port = upstreams[3].address
            service.register_ip_instance("decoy", ipv4=ip, port=port, custom_attributes={"stage": "beta"})
        return HttpServiceDiscoveryIntegration(vpc_link=VpcLink(f"Link{n}", vpc=vpc), service=service,
                                               method=method, attribute_filters=filters)
    balancer = (ApplicationLoadBalancer if kind == "alb" else NetworkLoadBalancer)(f"Lb{n}", vpc=vpc)
    listener = balancer.add_listener(f"Listener{n}", port=80)
    listener.add_targets(f"Targets{n}", port=80,
                         targets=[IpTarget(*upstream.address) for upstream in chosen])
    cls = HttpAlbIntegration if kind == "alb" else HttpNlbIntegration
    return cls(listener=listener, method=method)


def observed_upstream(response: Any) -> Any:
    """What the echo upstream said it received, in the shape the model predicts."""
    try:
        seen = json.loads(response.body)
    except ValueError:
        return response.body.decode("utf-8", "replace")
    headers: dict[str, str] = {}
    for name, value in seen["headers"]:
        headers[name] = f"{headers[name]},{value}" if name in headers else value
    return {"method": seen["method"], "path": seen["path"], "query": parse_query(seen["query"]),
            "headers": headers, "body": seen["body"], "target": seen["server"]}


@pytest.mark.parametrize("kind", list(KINDS))
@contract_settings()
@given(data=st.data())
def test_private_integration_forwards_to_a_registered_target(
    apigw_session: Apigw, apigw_backend: Backend, require: Callable[[str], None],
    echo_targets: list[EchoUpstream], kind: str, data: st.DataObject
) -> None:
    """Each request reaches one registered target with the stage segment kept in its path, the
    client's method (or the integration's), query, headers and body; the answer is relayed."""
    require(KINDS[kind])
    if apigw_backend.name == "aws":
        pytest.skip("the echo upstreams listen on loopback, which AWS cannot reach")
    api = data.draw(http_apis(integrations=private_integrations(kind, echo_targets),
                              stages=stages_for(apigw_backend)), label="api")
    with apigw_session.deployed(api) as deployment:
        for index in range(per_deployment()):
            request = data.draw(requests_for(api), label=f"request {index}")
            response, host = send(request, deployment)
            prediction = predict(api, request, host=host, api_id=deployment.api_id)
            note(f"{request.method} {request.target} -> {response.status}: {prediction.describe()}")
            head = request.method == "HEAD"
            if prediction.response is not None:
                wanted: Any = prediction.response.as_dict()
                if head:
                    wanted.pop("body")
                diffs, observed = compare(wanted, observed_response(response)), None
            else:
                status, headers = ECHO_ANSWER
                diffs = compare(relayed_response(status, headers, head=head), observed_response(response))
                observed = None if head or response.status != 200 else observed_upstream(response)
                if observed is not None:
                    diffs += [Diff(f"upstream.{d.where}", d.expected, d.observed)
                              for d in compare(prediction.expected_input, observed)]
            assert not diffs, "model and backend disagree\n" + format_case(
                api, request, prediction, response, diffs, observed)
