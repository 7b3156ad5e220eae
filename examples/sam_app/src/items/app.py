"""The items function: a Powertools resolver over a DynamoDB table named by the environment."""

import os

import boto3
from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import APIGatewayHttpResolver
from aws_lambda_powertools.event_handler.exceptions import NotFoundError

logger = Logger()
app = APIGatewayHttpResolver()
TABLE = boto3.resource("dynamodb").Table(os.environ["TABLE_NAME"])  # at init, as on Lambda


@app.get("/health")
def health() -> dict:
    return {"ok": True}


@app.put("/items/<item_id>")
def put_item(item_id: str) -> tuple[dict, int]:
    owner = app.current_event.request_context.authorizer.jwt_claim["sub"]
    TABLE.put_item(Item={"id": item_id, "owner": owner, **app.current_event.json_body})
    return {"id": item_id}, 201


@app.get("/items/<item_id>")
def get_item(item_id: str) -> dict:
    item = TABLE.get_item(Key={"id": item_id}).get("Item")
    if item is None:
        raise NotFoundError(f"item {item_id}")
    return item


@logger.inject_lambda_context
def handler(event: dict, context: object) -> dict:
    return app.resolve(event, context)
