"""Conformance: target health and load spreading behind private integrations.

Generated APIs whose routes go to ALB / NLB listeners or Cloud Map services with several IP
targets: live echo upstreams on loopback and targets that are down (a port bound but not
listening: every connection is refused). The model (:mod:`.model.target_health`) says which
answers are possible: relayed by one of the healthy targets while any is left (never by a down
one, never by an instance the Cloud Map attribute filters exclude), and when all are down the
status AWS answers (an ALB fails open and answers 502; an NLB or Cloud Map service: 503).
"""

from __future__ import annotations

import itertools
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import example, given, note
from hypothesis import strategies as st

from pytest_apigw.contract import explicit
from pytest_apigw.contract.cases import send, stages_for
from pytest_apigw.contract.check import observed_response
from pytest_apigw.contract.explicit import Recipe, scripted
from pytest_apigw.contract.model import compare, predict
from pytest_apigw.contract.model.expect import Diff
from pytest_apigw.contract.model.private import relayed_response
from pytest_apigw.contract.model.target_health import describe_targets, with_health
from pytest_apigw.contract.probes import EchoUpstream
from pytest_apigw.contract.profiles import contract_settings, per_deployment
from pytest_apigw.contract.report import format_case
from pytest_apigw.contract.test_private_integrations import ECHO_ANSWER, KINDS, observed_upstream
from pytest_apigw.spec import (
    ApplicationLoadBalancer,
    HttpAlbIntegration,
    HttpApi,
    HttpNlbIntegration,
    HttpServiceDiscoveryIntegration,
    IpTarget,
    NetworkLoadBalancer,
    PrivateDnsNamespace,
    Vpc,
    VpcLink,
)
from pytest_apigw.strategies import http_apis, requests_for
from pytest_apigw.strategies.wire import HttpRequest

if TYPE_CHECKING:
    from collections.abc import Callable

    from pytest_apigw.backend import Backend
    from pytest_apigw.session import Apigw

_ids = itertools.count()


@dataclass
class TargetPool:
    """Live echo upstreams and down targets (``ip:port`` of ports bound but not listening),
    plus a live ``decoy`` that Cloud Map attribute filters exclude."""

    live: list[EchoUpstream]
    down: list[tuple[str, int]]
    decoy: EchoUpstream

    def address(self, name: str) -> tuple[str, int]:
        """``live0``.. / ``down0``.. → ``(ip, port)``."""
        kind, index = name[:4], int(name[4:])
        return self.live[index].address if kind == "live" else self.down[index]

    @property
    def names(self) -> list[str]:
        """Every target's name, live ones first."""
        return [f"live{i}" for i in range(len(self.live))] + [f"down{i}" for i in range(len(self.down))]

    def down_set(self) -> set[str]:
        """``ip:port`` of the down targets."""
        return {f"{ip}:{port}" for ip, port in self.down}


@pytest.fixture(scope="module")
def target_pool() -> Iterator[TargetPool]:
    """Three live echo upstreams, two refusing ports (held bound so no server takes them) and a
    live Cloud Map decoy; all closed at the end of the module."""
    live = [EchoUpstream().start() for _ in range(3)]
    decoy = EchoUpstream().start()
    held = [socket.socket(socket.AF_INET, socket.SOCK_STREAM) for _ in range(2)]
    for sock in held:
        sock.bind(("127.0.0.1", 0))  # bound, never listening: connections are refused
    try:
        yield TargetPool(live, [sock.getsockname()[:2] for sock in held], decoy)
    finally:
        for sock in held:
            sock.close()
        stoppers = [threading.Thread(target=upstream.stop) for upstream in (*live, decoy)]
        for thread in stoppers:
            thread.start()
        for thread in stoppers:
            thread.join()


@st.composite
def integrations_with_down_targets(draw: st.DrawFn, kind: str, pool: TargetPool) -> Any:
    """An ALB / NLB / Cloud Map integration over one to four of the pool's targets, live or down
    (all down now and then); a filtered Cloud Map service also registers the decoy."""
    chosen = draw(st.lists(st.sampled_from(pool.names), min_size=1, max_size=4, unique=True), label="targets")
    filtered = kind == "cloud_map" and draw(st.booleans(), label="attribute filters")
    return integration_over(kind, pool, chosen, filtered)


def integration_over(kind: str, pool: TargetPool, chosen: list[str], filtered: bool = False) -> Any:
    """An ALB / NLB / Cloud Map integration over the pool's targets named ``chosen``, in that
    order; a ``filtered`` Cloud Map service also registers the decoy."""
    n = next(_ids)
    vpc = Vpc(f"Vpc{n}")
    if kind == "cloud_map":
        service = PrivateDnsNamespace(f"Ns{n}", name=f"ns{n}.local", vpc=vpc).create_service(f"Svc{n}")
        for name in chosen:
            ip, port = pool.address(name)
            service.register_ip_instance(name, ipv4=ip, port=port,
                                         custom_attributes={"stage": "prod"} if filtered else None)
        if filtered:
            ip, port = pool.decoy.address
            service.register_ip_instance("decoy", ipv4=ip, port=port, custom_attributes={"stage": "beta"})
        return HttpServiceDiscoveryIntegration(vpc_link=VpcLink(f"Link{n}", vpc=vpc), service=service,
                                               attribute_filters={"stage": "prod"} if filtered else None)
    balancer = (ApplicationLoadBalancer if kind == "alb" else NetworkLoadBalancer)(f"Lb{n}", vpc=vpc)
    listener = balancer.add_listener(f"Listener{n}", port=80)
    listener.add_targets(f"Targets{n}", port=80, targets=[IpTarget(*pool.address(name)) for name in chosen])
    return (HttpAlbIntegration if kind == "alb" else HttpNlbIntegration)(listener=listener)


def judge(prediction: Any, response: Any, head: bool) -> tuple[list[Diff], Any]:
    """Differences of ``response`` from a target-health prediction (and the upstream's report)."""
    if prediction.response is not None:
        wanted: Any = prediction.response.as_dict()
        if head:
            wanted.pop("body")
        return compare(wanted, observed_response(response)), None
    status, headers = ECHO_ANSWER
    diffs = compare(relayed_response(status, headers, head=head), observed_response(response))
    observed = None if head or response.status != 200 else observed_upstream(response)
    if observed is not None:
        diffs += [Diff(f"upstream.{d.where}", d.expected, d.observed)
                  for d in compare(prediction.expected_input, observed)]
    return diffs, observed


def documented_api(kind: str, pool: TargetPool) -> HttpApi:
    """``GET /mixed`` over a down target listed before a live one, ``GET /dead`` over two down
    targets (ELB's "fails open", then the ALB's 502 or API Gateway's 503)."""
    api = HttpApi("Documented")
    for path, targets in (("/mixed", ["down0", "live0"]), ("/dead", ["down0", "down1"])):
        api.add_routes(path=path, methods=["GET"], integration=integration_over(kind, pool, targets))
    return api


#: The edge cases every run meets first (``target-group-health-checks.md``): a request to a
#: listener whose first target is down is relayed by the healthy one; every target down.
DOCUMENTED = scripted({
    "api": Recipe(documented_api, "GET /mixed over down0, live0; GET /dead over down0, down1"),
    "request": [HttpRequest("GET", "/mixed"), HttpRequest("GET", "/dead")],
})


@pytest.mark.parametrize("kind", list(KINDS))
@contract_settings()
@given(data=st.data())
@example(data=DOCUMENTED)
def test_requests_spread_over_healthy_targets_only(
    apigw_session: Apigw, apigw_backend: Backend, require: Callable[[str], None],
    target_pool: TargetPool, kind: str, data: st.DataObject
) -> None:
    """Every request is relayed by a healthy target while one is left (whichever target comes
    first in the balancer's order), and answered 502 (ALB) / 503 (NLB, Cloud Map) when none is."""
    require(KINDS[kind])
    if apigw_backend.name == "aws":
        pytest.skip("the targets listen on loopback, which AWS cannot reach")
    down = target_pool.down_set()
    api = explicit.draw(data, http_apis(integrations=integrations_with_down_targets(kind, target_pool),
                               stages=stages_for(apigw_backend)), "api", kind=kind, pool=target_pool)
    with apigw_session.deployed(api) as deployment:
        for index in range(per_deployment()):
            request = data.draw(requests_for(api), label=f"request {index}")
            response, host = send(request, deployment)
            prediction = with_health(predict(api, request, host=host, api_id=deployment.api_id), down)
            diffs, observed = judge(prediction, response, request.method == "HEAD")
            for other in prediction.alternatives if diffs else ():  # readings the docs leave open
                other_diffs, other_observed = judge(other, response, request.method == "HEAD")
                if not other_diffs:
                    prediction, diffs, observed = other, other_diffs, other_observed
                    break
            note(f"{request.method} {request.target} -> {response.status}: {prediction.describe()}")
            targets = "\n".join(f"  {key}: {describe_targets(i, down)}"
                                for key, i in prediction.integrations.items())
            assert not diffs, "model and backend disagree\n" + format_case(
                api, request, prediction, response, diffs, observed) + "\n== targets ==\n" + targets
