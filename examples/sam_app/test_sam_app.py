"""Testing a SAM project as it ships (``template.yaml`` beside this file): the template loaded as
is, its DynamoDB table made in moto under the name the function gets, its Cognito user pool's
tokens minted by the plugin's ``apigw_issuer``. Run it: ``pytest examples/sam_app``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest

from pytest_apigw import load_template
from pytest_apigw.templates import Template

TEMPLATE = Path(__file__).with_name("template.yaml")
COGNITO = "https://cognito-idp.us-east-1.amazonaws.com"


@pytest.fixture
def items(monkeypatch: pytest.MonkeyPatch, apigw_issuer, apigw_backend) -> Iterator[Template]:
    """The template with its table in moto; the user pool's issuer served by ``apigw_issuer``."""
    if apigw_backend.name != "embedded":  # moto patches this process: in-process handlers only
        pytest.skip(f"moto reaches in-process handlers; the {apigw_backend.name} backend runs "
                    "them elsewhere (create the table on its endpoint instead)")
    moto = pytest.importorskip("moto")
    for name, value in {"AWS_DEFAULT_REGION": "us-east-1", "AWS_ACCESS_KEY_ID": "testing",
                        "AWS_SECRET_ACCESS_KEY": "testing"}.items():
        monkeypatch.setenv(name, value)
    with moto.mock_aws():
        tpl = load_template(TEMPLATE, upstreams={COGNITO: apigw_issuer.url})
        boto3.client("dynamodb").create_table(
            TableName=tpl.ref("ItemsTable"), BillingMode="PAY_PER_REQUEST",
            KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}])
        yield tpl


def test_health_is_public_and_items_need_a_token(apigw, items):
    client = apigw.deploy(items).client()
    assert client.get("/health").json() == {"ok": True}
    assert client.get("/items/1").status_code == 401


def test_an_item_put_is_read_back_with_its_owner(apigw, items, apigw_issuer):
    token = apigw_issuer.token(audience=items.ref("UserPoolClient"), subject="ana")
    client = apigw.deploy(items).client(headers={"authorization": token})
    assert client.get("/items/1").status_code == 404
    assert client.put("/items/1", json={"name": "lamp"}).status_code == 201
    assert client.get("/items/1").json() == {"id": "1", "owner": "ana", "name": "lamp"}
    stored = boto3.client("dynamodb").get_item(TableName=items.ref("ItemsTable"), Key={"id": {"S": "1"}})
    assert stored["Item"]["owner"] == {"S": "ana"}


def test_a_token_for_another_client_is_refused(apigw, items, apigw_issuer):
    client = apigw.deploy(items).client(headers={"authorization": apigw_issuer.token(audience="other")})
    assert client.get("/items/1").status_code == 401
