"""A handler wired to a table and a queue through its environment (``TABLE_NAME: !Ref Table``)
gets the names CloudFormation would give them, in AWS's shapes, and ``Template.ref`` /
``get_att`` / ``outputs`` give the test the same values: the test creates the table and queue in
moto under them, and the handler (module-level client included) finds them over a live API."""

from __future__ import annotations

import json
from pathlib import Path

import boto3
import httpx
import pytest

from pytest_apigw import load_template
from tests.support.files import write_tree
from tests.support.moto_aws import mocked_aws  # noqa: F401 - the fixture

APP = """\
import json, os
import boto3

TABLE = boto3.resource("dynamodb").Table(os.environ["TABLE_NAME"])
SQS = boto3.client("sqs")

def handler(event, context):
    item_id = event["pathParameters"]["id"]
    TABLE.put_item(Item={"id": item_id})
    SQS.send_message(QueueUrl=os.environ["QUEUE_URL"], MessageBody=item_id, MessageGroupId="items")
    return {"table_arn": os.environ["TABLE_ARN"], "count": TABLE.scan()["Count"]}
"""


def _template(code: Path) -> dict:
    return {
        "Transform": "AWS::Serverless-2016-10-31",
        "Resources": {
            "ItemsTable": {"Type": "AWS::DynamoDB::Table", "Properties": {
                "BillingMode": "PAY_PER_REQUEST", "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
                "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}]}},
            "Events": {"Type": "AWS::SQS::Queue", "Properties": {"FifoQueue": True,
                                                                  "ContentBasedDeduplication": True}},
            "Named": {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": "named-queue"}},
            "Fn": {"Type": "AWS::Serverless::Function", "Properties": {
                "CodeUri": str(code), "Handler": "app.handler", "Runtime": "python3.12",
                "Environment": {"Variables": {
                    "TABLE_NAME": {"Ref": "ItemsTable"}, "TABLE_ARN": {"Fn::GetAtt": ["ItemsTable", "Arn"]},
                    "QUEUE_URL": {"Ref": "Events"}}},
                "Events": {"Put": {"Type": "HttpApi",
                                   "Properties": {"Path": "/items/{id}", "Method": "PUT"}}}}},
        },
        "Outputs": {"QueueArn": {"Value": {"Fn::GetAtt": ["Events", "Arn"]}},
                    "NamedUrl": {"Value": {"Ref": "Named"}}},
    }


def test_names_and_shapes_are_cloudformations(tmp_path):
    tpl = load_template(_template(write_tree(tmp_path, {"app.py": APP})))
    table = tpl.ref("ItemsTable")
    assert table.startswith("Stack-ItemsTable-") and len(table.rsplit("-", 1)[1]) == 13
    assert tpl.get_att("ItemsTable", "Arn") == f"arn:aws:dynamodb:us-east-1:123456789012:table/{table}"
    queue = tpl.ref("Events")
    assert queue.startswith("https://sqs.us-east-1.amazonaws.com/123456789012/Stack-Events-")
    assert queue.endswith(".fifo")  # a FIFO queue's generated name keeps its suffix
    assert tpl.outputs == {"QueueArn": tpl.get_att("Events", "Arn"),
                           "NamedUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/named-queue"}
    assert tpl.function("Fn").environment == {
        "TABLE_NAME": table, "TABLE_ARN": tpl.get_att("ItemsTable", "Arn"), "QUEUE_URL": queue}


@pytest.mark.usefixtures("mocked_aws")
def test_a_handler_finds_what_the_test_made_in_moto_under_the_templates_names(apigw, tmp_path):
    tpl = load_template(_template(write_tree(tmp_path, {"app.py": APP})))
    boto3.client("dynamodb").create_table(
        TableName=tpl.ref("ItemsTable"), BillingMode="PAY_PER_REQUEST",
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}])
    sqs = boto3.client("sqs")
    fifo = {"FifoQueue": "true", "ContentBasedDeduplication": "true"}
    queue_url = sqs.create_queue(QueueName=tpl.ref("Events").rsplit("/", 1)[1], Attributes=fifo)["QueueUrl"]
    assert queue_url == tpl.ref("Events")
    url = apigw.deploy(tpl).url
    response = httpx.put(url + "/items/a1")
    assert response.status_code == 200, response.text
    assert response.json() == {"table_arn": tpl.get_att("ItemsTable", "Arn"), "count": 1}
    [message] = sqs.receive_message(QueueUrl=queue_url)["Messages"]
    assert message["Body"] == "a1"


def test_a_cdk_resource_is_found_by_its_construct_id(tmp_path):
    """``tpl.ref("Items")`` for ``dynamodb.Table(stack, "Items")`` in a cloud assembly: the
    construct id (or path) names the resource as it does an API or a function."""
    assembly = tmp_path / "cdk.out"
    assembly.mkdir()
    (assembly / "manifest.json").write_text(json.dumps({"version": "36.0.0", "artifacts": {"ItemsStack": {
        "type": "aws:cloudformation:stack", "properties": {"templateFile": "ItemsStack.template.json"}}}}))
    (assembly / "ItemsStack.template.json").write_text(json.dumps({"Resources": {"Items5C12978B": {
        "Type": "AWS::DynamoDB::Table", "Properties": {},
        "Metadata": {"aws:cdk:path": "ItemsStack/Items/Resource"}}}}))
    tpl = load_template(assembly)
    assert tpl.ref("Items") == tpl.ref("Items5C12978B")
    assert tpl.ref("Items").startswith("ItemsStack-Items5C12978B-")
    assert tpl.get_att("Items", "Arn").endswith(f":table/{tpl.ref('Items')}")
