"""Physical ids of a template's resources: what ``Ref`` and ``Fn::GetAtt`` return.

Each is AWS-shaped and stable (derived from the logical id), and :meth:`PhysicalIds.owner`
finds the logical id back from any string holding one (an integration's ``IntegrationUri``, a
route's ``Target``, a permission's ``FunctionName``).
"""

from __future__ import annotations

import hashlib
import re
from typing import TYPE_CHECKING, Any

from pytest_apigw.templates.physical_data import ACCOUNT, REGION, SHAPES, generated_name, written

if TYPE_CHECKING:
    from pytest_apigw.templates.intrinsics import Resolver

_LAMBDA_ARN_RE = re.compile(r"arn:[\w-]+:lambda:[\w-]+:\d+:function:([A-Za-z0-9_-]+)")
#: A function's ARN without its name (``Fn::GetAtt Fn.Arn``; an alias's or version's adds ``:q``).
_FUNCTION_ARN = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:"
_ELB = "arn:aws:elasticloadbalancing:us-east-1:123456789012"
_SD = "arn:aws:servicediscovery:us-east-1:123456789012"


def short_id(logical_id: str, length: int = 10) -> str:
    """A stable lower-case id, like the ids API Gateway gives (``a1b2c3d4e5``)."""
    return hashlib.sha1(logical_id.encode()).hexdigest()[:length]


class PhysicalIds:
    """``Ref`` / ``Fn::GetAtt`` values of every resource of one template, and the way back."""

    def __init__(self, resolver: Resolver) -> None:
        self._resolver = resolver
        self._owners: dict[str, str] = {}
        self._refs: dict[str, Any] = {}

    def _type(self, logical_id: str) -> str:
        return str((self._resolver.resources.get(logical_id) or {}).get("Type", ""))

    def function_name(self, logical_id: str) -> str:
        """A Lambda function's name: its ``FunctionName`` or, as CloudFormation does, one made
        from the stack name and logical id."""
        from pytest_apigw.templates.intrinsics import Where

        props = (self._resolver.resources.get(logical_id) or {}).get("Properties") or {}
        name = props.get("FunctionName")
        if name is not None:
            return str(self._resolver.resolve(name, Where(logical_id, "FunctionName")))
        return f"{self._resolver.stack_name}-{logical_id}"[:64]

    def _layer_name(self, logical_id: str) -> str:
        from pytest_apigw.templates.intrinsics import Where

        props = (self._resolver.resources.get(logical_id) or {}).get("Properties") or {}
        name = props.get("LayerName")
        return str(self._resolver.resolve(name, Where(logical_id, "LayerName"))) if name else logical_id

    def data_name(self, logical_id: str) -> str:
        """A data resource's physical name: its name property, else CloudFormation's generated one."""
        from pytest_apigw.templates.intrinsics import Where

        shape = SHAPES[self._type(logical_id)]
        props = (self._resolver.resources.get(logical_id) or {}).get("Properties") or {}
        name = props.get(shape.name_property) if shape.name_property else None
        if name is not None:
            return str(self._resolver.resolve(name, Where(logical_id, shape.name_property)))
        fifo = str(self._resolver.resolve(props.get("FifoQueue", False), Where(logical_id, "FifoQueue")))
        return generated_name(self._resolver.stack_name, logical_id, shape, fifo.lower() == "true")

    def _qualified_arn(self, logical_id: str, kind: str) -> str:
        """An alias's or a version's ARN: its function's ARN and ``:<alias name>`` or ``:1``
        (SAM's ``AutoPublishAlias`` integrates the alias: the function is found through it)."""
        from pytest_apigw.templates.intrinsics import Where

        props = (self._resolver.resources.get(logical_id) or {}).get("Properties") or {}
        where = Where(logical_id, "FunctionName")
        function = str(self._resolver.resolve(props.get("FunctionName", ""), where))
        name = lambda_function_name(function) or function
        alias = kind == "AWS::Lambda::Alias"
        qualifier = self._resolver.resolve(props.get("Name"), Where(logical_id, "Name")) if alias else "1"
        return f"{_FUNCTION_ARN}{name}:{qualifier}"

    def ref(self, logical_id: str) -> Any:
        """What ``Ref`` returns for the resource."""
        if logical_id in self._refs:
            return self._refs[logical_id]
        kind, sid = self._type(logical_id), short_id(logical_id)
        if kind == "AWS::Lambda::Function":
            value: Any = self.function_name(logical_id)
        elif kind in SHAPES:  # a table, bucket, queue, ... (physical_data.py)
            value = written(SHAPES[kind].ref, self.data_name(logical_id))
        elif kind in ("AWS::Lambda::Alias", "AWS::Lambda::Version"):  # a qualified function ARN
            value = self._qualified_arn(logical_id, kind)
        elif kind == "AWS::Lambda::LayerVersion":  # the layer version's ARN
            value = f"arn:aws:lambda:us-east-1:123456789012:layer:{self._layer_name(logical_id)}:1"
        elif kind == "AWS::ElasticLoadBalancingV2::LoadBalancer":
            value = f"{_ELB}:loadbalancer/app/{logical_id}/{short_id(logical_id, 16)}"
        elif kind == "AWS::ElasticLoadBalancingV2::Listener":
            value = f"{_ELB}:listener/app/{logical_id}/{short_id(logical_id, 16)}"
        elif kind == "AWS::ElasticLoadBalancingV2::TargetGroup":
            value = f"{_ELB}:targetgroup/{logical_id[:32]}/{short_id(logical_id, 16)}"
        elif kind == "AWS::ServiceDiscovery::Service":
            value = f"srv-{short_id(logical_id, 16)}"
        elif kind.startswith("AWS::ServiceDiscovery::") and kind.endswith("Namespace"):
            value = f"ns-{short_id(logical_id, 16)}"
        elif kind == "AWS::ApiGatewayV2::Stage":
            value = self._resolver.resources[logical_id].get("Properties", {}).get("StageName", sid)
        else:
            value = sid if kind.startswith("AWS::ApiGatewayV2::") else logical_id
        self._refs[logical_id] = value
        if isinstance(value, str):
            self._owners.setdefault(value, logical_id)
        return value

    def attribute(self, logical_id: str, attribute: str) -> Any:
        """What ``Fn::GetAtt`` returns for ``attribute`` of the resource."""
        kind, ref = self._type(logical_id), self.ref(logical_id)
        value: Any
        if kind in SHAPES and attribute in SHAPES[kind].attributes:
            value = written(SHAPES[kind].attributes[attribute], self.data_name(logical_id))
        elif kind == "AWS::Lambda::Function" and attribute == "Arn":
            value = f"{_FUNCTION_ARN}{ref}"
        elif kind == "AWS::ApiGatewayV2::Api" and attribute == "ApiEndpoint":
            value = f"https://{ref}.execute-api.us-east-1.amazonaws.com"
        elif kind == "AWS::ServiceDiscovery::Service" and attribute == "Arn":
            value = f"{_SD}:service/{ref}"
        elif kind.startswith("AWS::ServiceDiscovery::") and attribute == "Arn":
            value = f"{_SD}:namespace/{ref}"
        elif attribute in ("Id", "ApiId", "AuthorizerId", "IntegrationId", "RouteId", "VpcLinkId",
                           "LayerVersionArn", "LoadBalancerArn", "ListenerArn", "TargetGroupArn", "Name"):
            value = ref
        else:
            value = f"{logical_id}.{attribute}"
        if isinstance(value, str):
            self._owners.setdefault(value, logical_id)
        return value

    def owner(self, value: Any) -> str | None:
        """The logical id whose ``Ref``/``GetAtt`` value is (or, for an ARN inside a longer
        string such as an integration URI, appears in) ``value``."""
        if not isinstance(value, str):
            return None
        if value in self._owners:
            return self._owners[value]
        tail = value.rsplit("/", 1)[-1]  # integrations/<id>, .../targetgroup/<name>/<id>
        if tail in self._owners and tail != value:
            return self._owners[tail]
        match = _LAMBDA_ARN_RE.search(value)
        if match and f"{_FUNCTION_ARN}{match.group(1)}" in self._owners:
            return self._owners[f"{_FUNCTION_ARN}{match.group(1)}"]
        found = [known for known in self._owners if len(known) > 6 and known in value]
        return self._owners[max(found, key=len)] if found else None

    def index(self) -> None:
        """Compute every resource's ``Ref`` (so :meth:`owner` can find any of them)."""
        for logical_id in self._resolver.resources:
            self.ref(logical_id)
            if self._type(logical_id) == "AWS::Lambda::Function":
                self.attribute(logical_id, "Arn")
            if self._type(logical_id).startswith("AWS::ServiceDiscovery::"):
                self.attribute(logical_id, "Arn")


def lambda_function_name(uri: str) -> str | None:
    """The function name inside a Lambda ARN or an ``arn:...:apigateway:...:lambda:path/.../
    functions/<arn>/invocations`` URI."""
    match = _LAMBDA_ARN_RE.search(uri)
    return match.group(1) if match else None
