"""The CDK README's HTTP API example: ``GET /books`` through a Lambda proxy integration.

    const booksIntegration = new LambdaProxyIntegration({ handler: booksDefaultFn });
    const httpApi = new HttpApi(stack, 'HttpApi');
    httpApi.addRoutes({ path: '/books', methods: [ HttpMethod.GET ], integration: booksIntegration });
"""

from __future__ import annotations

import json
from typing import Any

from pytest_apigw import Function, HttpApi, HttpMethod, LambdaProxyIntegration

BOOKS = [
    {"id": "1", "title": "The Pragmatic Programmer"},
    {"id": "2", "title": "Designing Data-Intensive Applications"},
]


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """List books, or one book with ``GET /books/{id}``; ``?q=`` filters titles."""
    book_id = (event.get("pathParameters") or {}).get("id")
    if book_id is not None:
        book = next((b for b in BOOKS if b["id"] == book_id), None)
        if book is None:
            return {"statusCode": 404, "body": json.dumps({"message": f"no book {book_id}"})}
        return {"statusCode": 200, "headers": {"content-type": "application/json"}, "body": json.dumps(book)}
    query = (event.get("queryStringParameters") or {}).get("q", "").lower()
    found = [b for b in BOOKS if query in b["title"].lower()]
    return {
        "statusCode": 200,
        "headers": {"content-type": "application/json", "x-function": context.function_name},
        "body": json.dumps(found),
    }


def books_api() -> HttpApi:
    """The CDK README's API: ``GET /books`` (and ``GET /books/{id}``) on ``BooksDefaultFn``."""
    books_fn = Function("BooksDefaultFn", handler=handler)
    books_integration = LambdaProxyIntegration(handler=books_fn)
    http_api = HttpApi("HttpApi")
    http_api.add_routes(path="/books", methods=[HttpMethod.GET], integration=books_integration)
    http_api.add_routes(path="/books/{id}", methods=[HttpMethod.GET], integration=books_integration)
    return http_api
