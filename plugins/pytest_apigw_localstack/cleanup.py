"""Remove everything a run left behind, found by its ``pytest-apigw:run`` tag.

A run's resources are deleted at teardown, on failure and on SIGTERM; a process killed outright
(SIGKILL, a lost machine) cannot. Every resource carries ``pytest-apigw:run=<id>`` (the id is in
the teardown error and in the resources' tags), so::

    python -m pytest_apigw_localstack.cleanup --run 3fa9c1 --endpoint http://127.0.0.1:4566
    python -m pytest_apigw_localstack.cleanup --run 3fa9c1 --aws          # a real account
    python -m pytest_apigw_localstack.cleanup --any --endpoint URL --dry-run

finds them service by service (API Gateway, Lambda, IAM, ELBv2, Cloud Map, EC2; Lambda layers,
which take no tags, by their name ``apigw-<run>-...``) and deletes
them in dependency order with the same teardown the backend uses. An endpoint that lacks one of
the listing calls is said so and skipped.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable, Iterator
from typing import Any

from pytest_apigw_localstack.ledger import Ledger
from pytest_apigw_localstack.naming import TAG_PREFIX
from pytest_apigw_localstack.teardown import ordered, teardown

RUN_TAG = f"{TAG_PREFIX}:run"


class Matcher:
    """Which tag sets belong to the run (``run=None``: any pytest-apigw run)."""

    def __init__(self, run: str | None) -> None:
        self.run = run

    def __call__(self, tags: dict[str, str] | list[dict[str, str]] | None) -> bool:
        if isinstance(tags, list):
            tags = {t.get("Key", ""): t.get("Value", "") for t in tags}
        value = (tags or {}).get(RUN_TAG)
        return value is not None and (self.run is None or value == self.run)


def _apis(c: Any, match: Matcher, ledger: Ledger) -> None:
    for api in c.apigatewayv2.get_apis().get("Items", []):
        if match(api.get("Tags")):
            ledger.add("api", api["ApiId"])
    for link in c.apigatewayv2.get_vpc_links().get("Items", []):
        if match(link.get("Tags")):
            ledger.add("vpc_link", link["VpcLinkId"])


def _functions(c: Any, match: Matcher, ledger: Ledger) -> None:
    lam = c.get("lambda")
    for page in lam.get_paginator("list_functions").paginate():
        for function in page.get("Functions", []):
            if match(lam.list_tags(Resource=function["FunctionArn"]).get("Tags")):
                ledger.add("function", function["FunctionName"])


def _layers(c: Any, match: Matcher, ledger: Ledger) -> None:
    """Layer versions named ``apigw-<run>-<worker>-<n>-...`` (``naming.Namer``): layers have no tags."""
    run = re.escape(match.run) if match.run is not None else "[0-9a-f]{6}"
    named = re.compile(rf"apigw-{run}-[A-Za-z0-9_]+-\d+-")
    lam = c.get("lambda")
    for page in lam.get_paginator("list_layers").paginate():
        for layer in page.get("Layers", []):
            if not named.match(layer["LayerName"]):
                continue
            for versions in lam.get_paginator("list_layer_versions").paginate(LayerName=layer["LayerName"]):
                for version in versions.get("LayerVersions", []):
                    ledger.add("layer_version", layer["LayerName"], version=int(version["Version"]))


def _roles(c: Any, match: Matcher, ledger: Ledger) -> None:
    for page in c.iam.get_paginator("list_roles").paginate():
        for role in page.get("Roles", []):
            name = role["RoleName"]
            if not match(c.iam.list_role_tags(RoleName=name).get("Tags")):
                continue
            ledger.add("role", name)
            for policy in c.iam.list_attached_role_policies(RoleName=name).get("AttachedPolicies", []):
                ledger.add("role_policy", policy["PolicyArn"], role=name)


def _tagged_arns(c: Any, arns: list[str], match: Matcher) -> Iterator[str]:
    for start in range(0, len(arns), 20):  # DescribeTags takes at most 20 ARNs
        for description in c.elbv2.describe_tags(ResourceArns=arns[start:start + 20])["TagDescriptions"]:
            if match(description.get("Tags")):
                yield description["ResourceArn"]


def _load_balancers(c: Any, match: Matcher, ledger: Ledger) -> None:
    balancers = [lb["LoadBalancerArn"] for lb in c.elbv2.describe_load_balancers().get("LoadBalancers", [])]
    for arn in _tagged_arns(c, balancers, match):
        for listener in c.elbv2.describe_listeners(LoadBalancerArn=arn).get("Listeners", []):
            ledger.add("listener", listener["ListenerArn"])
        ledger.add("load_balancer", arn)
    groups = [g["TargetGroupArn"] for g in c.elbv2.describe_target_groups().get("TargetGroups", [])]
    for arn in _tagged_arns(c, groups, match):
        ledger.add("target_group", arn)


def _cloud_map(c: Any, match: Matcher, ledger: Ledger) -> None:
    sd = c.servicediscovery
    for service in sd.list_services().get("Services", []):
        if match(sd.list_tags_for_resource(ResourceARN=service["Arn"]).get("Tags")):
            for instance in sd.list_instances(ServiceId=service["Id"]).get("Instances", []):
                ledger.add("instance", instance["Id"], service=service["Id"])
            ledger.add("service", service["Id"])
    for namespace in sd.list_namespaces().get("Namespaces", []):
        if match(sd.list_tags_for_resource(ResourceARN=namespace["Arn"]).get("Tags")):
            ledger.add("namespace", namespace["Id"])


def _network(c: Any, match: Matcher, ledger: Ledger) -> None:
    key_filter = [{"Name": "tag-key", "Values": [RUN_TAG]}]
    for subnet in c.ec2.describe_subnets(Filters=key_filter).get("Subnets", []):
        if match(subnet.get("Tags")):
            ledger.add("subnet", subnet["SubnetId"])
    for vpc in c.ec2.describe_vpcs(Filters=key_filter).get("Vpcs", []):
        if match(vpc.get("Tags")):
            ledger.add("vpc", vpc["VpcId"])


FINDERS: dict[str, Callable[[Any, Matcher, Ledger], None]] = {
    "API Gateway": _apis, "Lambda": _functions, "Lambda layers": _layers, "IAM": _roles,
    "ELBv2": _load_balancers,
    "Cloud Map": _cloud_map, "EC2": _network,
}


def find(clients: Any, run: str | None) -> tuple[Ledger, list[str]]:
    """Everything tagged with ``run``, as a ledger; and the services that could not be listed."""
    ledger, skipped = Ledger(), []
    match = Matcher(run)
    for service, finder in FINDERS.items():
        try:
            finder(clients, match, ledger)
        except Exception as exc:  # an endpoint without that listing call: say so, go on
            skipped.append(f"{service}: {type(exc).__name__}: {exc}")
    return ledger, skipped


def _clients(args: argparse.Namespace) -> Any:
    from pytest_apigw_localstack import endpoint
    from pytest_apigw_localstack.clients import aws_clients, localstack_clients

    if args.aws:
        return aws_clients()
    found = endpoint.configured(args.endpoint)  # --endpoint, $AWS_ENDPOINT_URL, $LOCALSTACK_HOST
    if found is None:
        raise SystemExit("give --endpoint URL (a LocalStack-compatible endpoint) or --aws")
    return localstack_clients(found.url)


def main(argv: list[str] | None = None) -> int:
    """Find and delete a run's resources; exit 1 when some could not be deleted."""
    parser = argparse.ArgumentParser(prog="python -m pytest_apigw_localstack.cleanup",
                                     description=__doc__.split("\n\n")[0] if __doc__ else None)
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("--run", help="the run id (the value of the 'pytest-apigw:run' tag)")
    which.add_argument("--any", action="store_true", help="every pytest-apigw run's resources")
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--endpoint", help="LocalStack-compatible endpoint (else $AWS_ENDPOINT_URL)")
    where.add_argument("--aws", action="store_true", help="the real AWS account of the credential chain")
    parser.add_argument("--dry-run", action="store_true", help="list what would be deleted")
    args = parser.parse_args(argv)
    clients = _clients(args)
    ledger, skipped = find(clients, None if args.any else args.run)
    for note in skipped:
        print(f"could not list {note}")
    found = ordered(ledger)
    for resource in found:
        print(f"{'would delete' if args.dry_run else 'deleting'} {resource.kind} {resource.id}")
    if args.dry_run or not found:
        print(f"found {len(found)} resource(s)")
        return 0
    try:
        teardown(clients, ledger, busy_wait=600.0 if args.aws else 0.0)
    except Exception as exc:
        print(f"some resources are left: {exc}", file=sys.stderr)
        return 1
    print(f"deleted {len(found)} resource(s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
