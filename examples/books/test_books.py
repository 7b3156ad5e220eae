"""The books example, tested the way a user would test their own API."""

import httpx
from books import books_api


def test_list_books(apigw):
    deployment = apigw.deploy(books_api())
    response = httpx.get(f"{deployment.url}/books")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.headers["x-function"] == "BooksDefaultFn"
    assert [b["id"] for b in response.json()] == ["1", "2"]


def test_filter_and_get_one(apigw):
    deployment = apigw.deploy(books_api())
    with deployment.client() as client:
        assert [b["id"] for b in client.get("/books", params={"q": "data"}).json()] == ["2"]
        assert client.get("/books/1").json()["title"] == "The Pragmatic Programmer"
        missing = client.get("/books/9")
        assert missing.status_code == 404
        assert client.post("/books").json() == {"message": "Not Found"}
