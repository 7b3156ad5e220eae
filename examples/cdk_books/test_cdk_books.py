"""The TypeScript CDK app's committed ``cdk.out`` deployed as shipped.

Its function is Node.js (``lambda/index.js``): served as shipped by the Node.js runtime, or
replaced by a Python test double with ``handlers=``.

Run it: ``pytest examples/cdk_books``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import httpx

from pytest_apigw import load_template

CDK_OUT = Path(__file__).parent / "cdk.out"


def books_double(event, context):
    """What the Node.js handler answers, in Python: the shelf from the function's environment."""
    body = {"shelf": os.environ["SHELF"], "path": event["rawPath"], "books": ["Dune", "Emma"]}
    return {"statusCode": 200, "headers": {"content-type": "application/json"}, "body": json.dumps(body)}


def test_books_from_cdk_out_with_a_python_double(apigw):
    template = load_template(CDK_OUT, stack="BooksStack", handlers={"BooksDefaultFn": books_double})
    function = template.function("BooksDefaultFn")
    assert function.environment == {"SHELF": "fiction"}          # the template's Environment
    deployment = apigw.deploy(template.api("HttpApi"))
    response = httpx.get(f"{deployment.url}/books")
    assert response.status_code == 200
    assert response.json() == {"shelf": "fiction", "path": "/books", "books": ["Dune", "Emma"]}
    assert httpx.delete(f"{deployment.url}/books").status_code == 404


def test_the_function_is_read_as_shipped():
    function = load_template(CDK_OUT).function("BooksDefaultFn")
    assert (function.runtime, function.handler) == ("nodejs22.x", "index.handler")
    assert (function.code / "index.js").is_file()                     # the cdk.out asset folder
    assert function.function_name == "BooksStack-BooksDefaultFnD723EB12"


def test_books_with_the_real_node_handler(apigw):
    deployment = apigw.deploy(load_template(CDK_OUT))
    response = httpx.get(f"{deployment.url}/books?x=1")
    assert response.status_code == 200
    assert response.json() == {"shelf": "fiction", "path": "/books", "books": ["Dune", "Emma"]}
