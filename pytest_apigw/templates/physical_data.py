"""Physical ids of the data resources handlers are wired to through their environment (tables,
buckets, queues, topics, secrets, parameters, streams, state machines, event buses).

``TABLE_NAME: !Ref ItemsTable`` reaches a handler as the name CloudFormation would give the table:
its ``TableName`` when set, else a generated ``<stack>-<LogicalId>-<SUFFIX>`` (lower case for a
bucket, ``.fifo`` kept for a FIFO queue), and ``Ref``/``Fn::GetAtt`` have AWS's shapes (a queue's
``Ref`` is its URL, a topic's its ARN, ``Arn`` attributes are ARNs), so a test can create the same
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


_QUEUE_URL = "https://sqs.{region}.amazonaws.com/{account}/{name}"
_TOPIC_ARN = "arn:aws:sns:{region}:{account}:{name}"
_SECRET_ARN = "arn:aws:secretsmanager:{region}:{account}:secret:{name}-a1B2c3"
_MACHINE_ARN = "arn:aws:states:{region}:{account}:stateMachine:{name}"

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
    "AWS::Events::EventBus": Shape("Name", attributes={
        "Arn": "arn:aws:events:{region}:{account}:event-bus/{name}", "Name": "{name}"}),
}


def generated_name(stack: str, logical_id: str, shape: Shape, fifo: bool = False) -> str:
    """CloudFormation's name for a resource whose name property is not set:
    ``<stack>-<LogicalId>-<13 characters>`` (stable here: derived from the two), within the
    type's length limit, lower case for a bucket, ``.fifo`` at the end of a FIFO queue's."""
    suffix = hashlib.sha1(f"{stack}/{logical_id}".encode()).hexdigest()[:13].upper()
    end = f"-{suffix}{'.fifo' if fifo else ''}"
    name = f"{stack}-{logical_id}"[: shape.max_length - len(end)] + end
    return name.lower() if shape.lower else name


def written(template: str, name: str) -> str:
    """``template`` (a :class:`Shape` string) for the resource named ``name``."""
    return template.format(name=name, region=REGION, account=ACCOUNT)
