"""Physical ids of the data resources handlers are wired to through their environment (tables,
buckets, queues, topics, secrets, parameters, streams, state machines, event buses) and of the
Cognito user pools JWT authorizers trust.

``TABLE_NAME: !Ref ItemsTable`` reaches a handler as the name CloudFormation would give the table:
its ``TableName`` when set, else a generated ``<stack>-<LogicalId>-<SUFFIX>`` (lower case for a
bucket, ``.fifo`` kept for a FIFO queue), and ``Ref``/``Fn::GetAtt`` have AWS's shapes (a queue's
``Ref`` is its URL, a topic's its ARN, ``Arn`` attributes are ARNs, a Cognito user pool's ``Ref``
an id such as ``us-east-1_AbC123xyZ``), so a test can create the same
resource in moto (or LocalStack) under the same name: ``Template.ref("ItemsTable")``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

REGION = "us-east-1"
ACCOUNT = "123456789012"


@dataclass(frozen=True)
class Shape:
    """How a resource type's ``Ref`` and attributes are written (``{name}`` its physical name)."""

    name_property: str
    ref: str = "{name}"
    attributes: dict[str, str] = field(default_factory=dict)
    lower: bool = False
    max_length: int = 255
    #: An id AWS makes whatever the name (``Ref`` of a user pool is its id, not its name):
    #: ``(prefix, length, alphabet)``.
    made_id: tuple[str, int, str] | None = None


_QUEUE_URL = "https://sqs.{region}.amazonaws.com/{account}/{name}"
_TOPIC_ARN = "arn:aws:sns:{region}:{account}:{name}"
_SECRET_ARN = "arn:aws:secretsmanager:{region}:{account}:secret:{name}-a1B2c3"
_MACHINE_ARN = "arn:aws:states:{region}:{account}:stateMachine:{name}"
#: A user pool's issuer (``HttpUserPoolAuthorizer``'s JWT issuer): serve it with ``upstreams=``.
_POOL_URL = "https://cognito-idp.{region}.amazonaws.com/{name}"
_MIXED = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
_LOWER = "abcdefghijklmnopqrstuvwxyz0123456789"

SHAPES: dict[str, Shape] = {
    "AWS::DynamoDB::Table": Shape("TableName", attributes={
        "Arn": "arn:aws:dynamodb:{region}:{account}:table/{name}",
        "StreamArn": "arn:aws:dynamodb:{region}:{account}:table/{name}/stream/2026-01-01T00:00:00.000"}),
    "AWS::S3::Bucket": Shape("BucketName", lower=True, max_length=63, attributes={
        "Arn": "arn:aws:s3:::{name}", "DomainName": "{name}.s3.amazonaws.com",
        "RegionalDomainName": "{name}.s3.{region}.amazonaws.com",
        "WebsiteURL": "http://{name}.s3-website-{region}.amazonaws.com"}),
    "AWS::SQS::Queue": Shape("QueueName", _QUEUE_URL, max_length=80, attributes={
        "Arn": "arn:aws:sqs:{region}:{account}:{name}", "QueueName": "{name}", "QueueUrl": _QUEUE_URL}),
    "AWS::SNS::Topic": Shape("TopicName", _TOPIC_ARN, max_length=256, attributes={
        "TopicArn": _TOPIC_ARN, "TopicName": "{name}"}),
    "AWS::SecretsManager::Secret": Shape("Name", _SECRET_ARN, attributes={"Id": _SECRET_ARN}),
    "AWS::SSM::Parameter": Shape("Name"),
    "AWS::Kinesis::Stream": Shape("Name", max_length=128, attributes={
        "Arn": "arn:aws:kinesis:{region}:{account}:stream/{name}"}),
    "AWS::StepFunctions::StateMachine": Shape("StateMachineName", _MACHINE_ARN, max_length=80, attributes={
        "Arn": _MACHINE_ARN, "Name": "{name}"}),
    "AWS::Cognito::UserPool": Shape("", made_id=("{region}_", 9, _MIXED), attributes={
        "Arn": "arn:aws:cognito-idp:{region}:{account}:userpool/{name}", "UserPoolId": "{name}",
        "ProviderName": "cognito-idp.{region}.amazonaws.com/{name}", "ProviderURL": _POOL_URL}),
    "AWS::Cognito::UserPoolClient": Shape("", made_id=("", 26, _LOWER), attributes={"ClientId": "{name}"}),
    "AWS::Events::EventBus": Shape("Name", attributes={
        "Arn": "arn:aws:events:{region}:{account}:event-bus/{name}", "Name": "{name}"}),
}


def generated_name(stack: str, logical_id: str, shape: Shape, fifo: bool = False) -> str:
    """CloudFormation's name for a resource whose name property is not set:
    ``<stack>-<LogicalId>-<13 characters>`` (stable here: derived from the two), within the
    type's length limit, lower case for a bucket, ``.fifo`` at the end of a FIFO queue's; for a
    type whose ``Ref`` is an id AWS makes (:attr:`Shape.made_id`), that id."""
    digest = hashlib.sha1(f"{stack}/{logical_id}".encode()).digest()
    if shape.made_id is not None:
        prefix, length, alphabet = shape.made_id
        return written(prefix, "") + "".join(alphabet[b % len(alphabet)] for b in digest[:length])
    suffix = digest.hex()[:13].upper()
    end = f"-{suffix}{'.fifo' if fifo else ''}"
    name = f"{stack}-{logical_id}"[: shape.max_length - len(end)] + end
    return name.lower() if shape.lower else name


def written(template: str, name: str) -> str:
    """``template`` (a :class:`Shape` string) for the resource named ``name``."""
    return template.format(name=name, region=REGION, account=ACCOUNT)
