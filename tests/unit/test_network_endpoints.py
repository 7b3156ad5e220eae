"""``Listener.endpoints()`` is cached until targets change (``spec/network.py``): every way of
changing them is seen, and a copy or an unpickled listener never trusts a cache from elsewhere.
A Cloud Map service's instances count as targets too (``Service.instances``)."""

from __future__ import annotations

import copy
import pickle

import pytest

from pytest_apigw import ApplicationLoadBalancer, IpTarget, PrivateDnsNamespace, SpecError, Vpc
from pytest_apigw.spec.network import TargetGroup, targets_version


def _listener():
    listener = ApplicationLoadBalancer("Alb", vpc=Vpc("Vpc")).add_listener("L", port=80)
    listener.add_targets("T", targets=[IpTarget("10.0.0.1", 8000)])
    return listener


def test_each_change_to_targets_is_seen_and_nothing_else_rebuilds_them():
    listener = _listener()
    group = listener.target_groups[0]
    assert listener.endpoints() == [("10.0.0.1", 8000)]
    version = targets_version()
    listener.endpoints().append(("10.9.9.9", 1))  # the caller's copy: the cache is not touched
    assert listener.endpoints() == [("10.0.0.1", 8000)] and targets_version() == version
    changes = [
        lambda: group.targets.append(IpTarget("10.0.0.2")),
        lambda: group.targets.extend([IpTarget("10.0.0.3", 3)]),
        lambda: group.targets.insert(0, IpTarget("10.0.0.4", 4)),
        lambda: group.targets.remove(group.targets[0]),
        lambda: group.targets.pop(),
        lambda: group.targets.__setitem__(0, IpTarget("10.0.0.5", 5)),
        lambda: group.targets.__delitem__(slice(1, None)),
        lambda: setattr(group, "port", 81),
        lambda: listener.target_groups.append(TargetGroup("U", port=82, targets=[IpTarget("10.0.0.6")],
                                                          protocol="HTTP")),
        lambda: setattr(group, "targets", [IpTarget("10.0.0.7")]),
        lambda: group.targets.clear(),
    ]
    for change in changes:
        change()
        expected = [(t.ip, t.port or g.port) for g in listener.target_groups for t in g.targets]
        assert listener.endpoints() == expected
    assert listener.endpoints() == [("10.0.0.6", 82)]


def test_copies_and_unpickled_listeners_work_their_endpoints_out_afresh(monkeypatch):
    from pytest_apigw.spec import network

    listener = _listener()
    listener.endpoints()  # cached at this version ...
    cached_at = targets_version()
    listener.target_groups[0].targets.append(IpTarget("10.0.0.2", 9))  # ... and stale now
    copies = [copy.deepcopy(listener), pickle.loads(pickle.dumps(listener))]
    monkeypatch.setattr(network, "_version", cached_at)  # another process, where the count is that
    for other in copies:
        assert other.endpoints() == [("10.0.0.1", 8000), ("10.0.0.2", 9)]
        assert isinstance(other.target_groups[0].targets, network.Tracked)


def test_every_change_to_a_services_instances_is_counted():
    from pytest_apigw.spec import network

    service = PrivateDnsNamespace("Ns", name="n.local", vpc=Vpc("Vpc")).create_service("S")
    changes = [
        lambda: service.register_ip_instance("a", ipv4="10.0.0.1", port=80),
        lambda: service.register_ip_instance("b", ipv4="10.0.0.2", port=80, custom_attributes={"k": "v"}),
        lambda: service.deregister_instance("a"),
        lambda: service.instances.append(service.instances[0]),
        lambda: service.instances.pop(),
        lambda: setattr(service, "instances", []),
    ]
    for change in changes:
        before = targets_version()
        change()
        assert targets_version() > before
    assert service.instances == [] and isinstance(service.instances, network.Tracked)
    with pytest.raises(SpecError, match="no instance 'a'"):
        service.deregister_instance("a")
    service.register_ip_instance("c", ipv4="10.0.0.3", port=81)
    for other in (copy.deepcopy(service), pickle.loads(pickle.dumps(service))):
        assert [i.id for i in other.instances] == ["c"] and isinstance(other.instances, network.Tracked)
