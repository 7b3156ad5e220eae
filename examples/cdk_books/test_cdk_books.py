"""The TypeScript CDK app's committed ``cdk.out`` deployed as shipped.

Its function is Node.js (``lambda/index.js``): here it is replaced by a Python test double with
``handlers=``; the real Node.js handler runs once the Node runtime is in (see the skipped test).

Run it: ``pytest examples/cdk_books``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import httpx
import pytest

from pytest_apigw import SpecError, load_template

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


def test_a_node_function_without_a_double_names_its_runtime():
    try:
        template = load_template(CDK_OUT)
    except SpecError as exc:
        assert "nodejs22.x" in str(exc) and "handlers=" in str(exc) and "BooksDefaultFn" in str(exc)
    else:  # the Node.js runtime is in: the function is served as shipped
        assert template.function("BooksDefaultFn").runtime == "nodejs22.x"


@pytest.mark.skip(reason="needs the nodejs runtime (branch runtimes)")
def test_books_with_the_real_node_handler(apigw):
    deployment = apigw.deploy(load_template(CDK_OUT))
    response = httpx.get(f"{deployment.url}/books?x=1")
    assert response.status_code == 200
    assert response.json() == {"shelf": "fiction", "path": "/books", "books": ["Dune", "Emma"]}
