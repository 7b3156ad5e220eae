"""A function whose shared code comes from a layer: ``pricing_rules`` is not in this folder."""

import json

import pricing_rules


def handler(event, context):
    params = event.get("queryStringParameters") or {}
    country = params.get("country", "pt")
    if country not in pricing_rules.VAT:
        return {"statusCode": 400, "body": json.dumps({"message": f"unknown country {country!r}"})}
    cents = int(params.get("cents", "0"))
    return {"statusCode": 200, "headers": {"content-type": "application/json"},
            "body": json.dumps({"cents": pricing_rules.with_vat(cents, country), "country": country})}
