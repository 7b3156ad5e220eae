"""The Lambda Runtime API spoken directly over HTTP: the test plays the runtime's part.

The function's ``bootstrap`` only writes its ``AWS_LAMBDA_RUNTIME_API`` to a file and sleeps;
the test then long-polls ``/next`` and answers (or answers wrongly) itself while a client waits
on the deployed API. Expected status codes and error bodies are AWS's own, from the Runtime
Interface Emulator (aws/aws-lambda-runtime-interface-emulator, ``lambda/rapi/rendering``:
``RenderInvalidRequestID`` 400 ``InvalidRequestID``, ``RenderForbiddenWithTypeMsg`` 403
``InvalidStateTransition``, ``RenderRequestEntityTooLarge`` 413, ``RenderAccepted`` 202
``{"status":"OK"}``).
"""

from __future__ import annotations

import json
import socket
import threading
import time
from urllib.parse import urlsplit

import httpx
import pytest

from pytest_apigw import Function, HttpApi, LambdaProxyIntegration
from pytest_apigw.invocations import LOG
from tests.embedded.runtime_processes import FAKE_RUNTIME, instances, wait_gone


class Caller(threading.Thread):
    """A client request to the deployed API, running while the test answers as the runtime."""

    def __init__(self, url: str) -> None:
        super().__init__(daemon=True)
        self.url = url
        self.response: httpx.Response | None = None
        self.start()

    def run(self) -> None:
        self.response = httpx.get(self.url, timeout=30)

    def result(self) -> httpx.Response:
        self.join(30)
        assert self.response is not None
        return self.response


class RawRuntime:
    """The runtime's side on one raw keep-alive socket, so that requests can be pipelined (sent
    before the answers to earlier ones arrive), as the project's Node.js bootstrap sends them."""

    def __init__(self, base_url: str) -> None:
        parts = urlsplit(base_url)
        self.host = f"{parts.hostname}:{parts.port}"
        self.prefix = parts.path
        self.sock = socket.create_connection((parts.hostname, parts.port), timeout=30)
        self.file = self.sock.makefile("rb")

    def request(self, method: str, path: str, body: bytes = b"") -> bytes:
        return (f"{method} {self.prefix}{path} HTTP/1.1\r\nHost: {self.host}\r\n"
                f"Content-Length: {len(body)}\r\n\r\n").encode() + body

    def send(self, *requests: bytes) -> None:
        self.sock.sendall(b"".join(requests))  # one write

    def read(self) -> tuple[int, dict[str, str], bytes]:
        """The next answer on the connection: status, headers (lower-case names), body."""
        status = int(self.file.readline().split()[1])
        headers = {}
        while (line := self.file.readline().decode("latin-1").strip()):
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        return status, headers, self.file.read(int(headers.get("content-length", "0")))

    def close(self) -> None:
        self.file.close()
        self.sock.close()


@pytest.fixture
def played(apigw, tmp_path):
    """``(deployment, function, runtime_api_base_url_getter)`` for a function whose runtime the
    test plays."""
    address_file = tmp_path / "runtime-api"
    fn = Function("Played", runtime="provided.al2023", handler="played.handler", code=FAKE_RUNTIME,
                  environment={"RUNTIME_API_FILE": str(address_file)}, timeout=20)
    api = HttpApi("PlayedApi")
    api.add_routes(path="/go", methods=["GET"], integration=LambdaProxyIntegration(handler=fn))
    deployment = apigw.deploy(api)

    def base() -> str:
        deadline = time.monotonic() + 10
        while not (address_file.exists() and address_file.read_text().strip()):
            assert time.monotonic() < deadline, "the bootstrap never started"
            time.sleep(0.01)
        return f"http://{address_file.read_text().strip()}/2018-06-01/runtime"

    return deployment, fn, base


def test_next_hands_out_the_event_with_lambda_headers(played):
    deployment, fn, base = played
    caller = Caller(f"{deployment.url}/go?q=1")
    with httpx.Client(base_url=base(), timeout=30) as rt:
        nxt = rt.get("/invocation/next")
        assert nxt.status_code == 200
        assert nxt.headers["content-type"] == "application/json"
        event = nxt.json()
        assert event["rawPath"] == "/go" and event["rawQueryString"] == "q=1"
        request_id = nxt.headers["lambda-runtime-aws-request-id"]
        deadline = int(nxt.headers["lambda-runtime-deadline-ms"])
        assert 19_000 < deadline - time.time() * 1000 <= 20_000
        assert nxt.headers["lambda-runtime-invoked-function-arn"] == (
            "arn:aws:lambda:us-east-1:123456789012:function:Played"
        )
        assert nxt.headers["lambda-runtime-trace-id"].startswith("Root=1-")
        # Not sent when empty, as AWS leaves them out.
        assert "lambda-runtime-client-context" not in nxt.headers
        assert "lambda-runtime-cognito-identity" not in nxt.headers

        answer = rt.post(f"/invocation/{request_id}/response",
                         json={"statusCode": 201, "body": "made by the test"})
        assert answer.status_code == 202 and answer.json() == {"status": "OK"}
    response = caller.result()
    assert response.status_code == 201 and response.text == "made by the test"


def test_unknown_id_repeated_answer_and_early_next(played):
    deployment, fn, base = played
    caller = Caller(f"{deployment.url}/go")
    with httpx.Client(base_url=base(), timeout=30) as rt:
        # An answer before any event was handed out.
        early = rt.post("/invocation/not-yet/response", content=b"{}")
        assert early.status_code == 403 and early.json()["errorType"] == "InvalidStateTransition"
        request_id = rt.get("/invocation/next").headers["lambda-runtime-aws-request-id"]
        # Asking for the next event before answering this one.
        again = rt.get("/invocation/next")
        assert again.status_code == 403 and again.json()["errorType"] == "InvalidStateTransition"
        wrong = rt.post("/invocation/00000000-0000-0000-0000-000000000000/response", content=b"{}")
        assert wrong.status_code == 400
        assert wrong.json() == {"errorMessage": "Invalid request ID", "errorType": "InvalidRequestID"}
        wrong_error = rt.post("/invocation/nope/error", content=b"{}")
        assert wrong_error.status_code == 400
        ok = rt.post(f"/invocation/{request_id}/response", json={"statusCode": 200, "body": "first"})
        assert ok.status_code == 202
        repeated = rt.post(f"/invocation/{request_id}/response", json={"statusCode": 200, "body": "second"})
        assert repeated.status_code == 403
        assert repeated.json()["errorType"] == "InvalidStateTransition"
        repeated_error = rt.post(f"/invocation/{request_id}/error", json={"errorMessage": "late"})
        assert repeated_error.status_code == 403
        assert rt.get("/invocation/unknown-route").status_code == 404
    assert caller.result().text == "first"


def test_error_answer_is_500_with_the_error_in_the_log(played):
    deployment, fn, base = played
    mark = LOG.mark()
    caller = Caller(f"{deployment.url}/go")
    with httpx.Client(base_url=base(), timeout=30) as rt:
        request_id = rt.get("/invocation/next").headers["lambda-runtime-aws-request-id"]
        error = {"errorMessage": "no such book", "errorType": "BookNotFound",
                 "stackTrace": ["at one (a.js:1)", "at two (b.js:2)"]}
        answer = rt.post(f"/invocation/{request_id}/error", json=error,
                         headers={"Lambda-Runtime-Function-Error-Type": "BookNotFound"})
        assert answer.status_code == 202
    assert caller.result().status_code == 500
    record = LOG.since(mark)[-1]
    assert record.error == "BookNotFound: no such book"
    assert record.traceback == "at one (a.js:1)\nat two (b.js:2)"


def test_oversize_response_is_413_and_the_client_gets_500(played):
    deployment, fn, base = played
    mark = LOG.mark()
    caller = Caller(f"{deployment.url}/go")
    with httpx.Client(base_url=base(), timeout=30) as rt:
        request_id = rt.get("/invocation/next").headers["lambda-runtime-aws-request-id"]
        body = json.dumps({"statusCode": 200, "body": "x" * (6 * 1024 * 1024)}).encode()
        answer = rt.post(f"/invocation/{request_id}/response", content=body)
        assert answer.status_code == 413
        assert answer.json() == {"errorMessage": "Exceeded maximum allowed payload size (6291456 bytes).",
                                 "errorType": "RequestEntityTooLarge"}
    assert caller.result().status_code == 500
    assert LOG.since(mark)[-1].error.startswith("Function.ResponseSizeTooLarge: ")


def test_init_error_fails_the_request_and_ends_the_instance(played):
    deployment, fn, base = played
    mark = LOG.mark()
    caller = Caller(f"{deployment.url}/go")
    with httpx.Client(base_url=base(), timeout=30) as rt:
        error = {"errorMessage": "cannot load", "errorType": "Runtime.ImportModuleError"}
        answer = rt.post("/init/error", json=error,
                         headers={"Lambda-Runtime-Function-Error-Type": "Runtime.ImportModuleError"})
        assert answer.status_code == 202 and answer.json() == {"status": "OK"}
    assert caller.result().status_code == 500
    assert LOG.since(mark)[-1].error == "Runtime.ImportModuleError: cannot load"
    assert instances(deployment, fn).all == set()


def test_the_played_instance_ends_at_teardown(played):
    deployment, fn, base = played
    caller = Caller(f"{deployment.url}/go")
    with httpx.Client(base_url=base(), timeout=30) as rt:
        request_id = rt.get("/invocation/next").headers["lambda-runtime-aws-request-id"]
        rt.post(f"/invocation/{request_id}/response", json={"statusCode": 204})
    assert caller.result().status_code == 204
    pids = instances(deployment, fn).pids()
    assert len(pids) == 1
    address = base()
    deployment.close()
    assert wait_gone(pids, timeout=0.5) == []
    with pytest.raises(httpx.ConnectError):  # the Runtime API's port is closed too
        httpx.get(f"{address}/invocation/next", timeout=2)


def test_a_pipelined_answer_and_next_are_answered_in_order(played):
    deployment, fn, base = played
    first = Caller(f"{deployment.url}/go?n=1")
    rt = RawRuntime(base())
    try:
        rt.send(rt.request("GET", "/invocation/next"))
        status, headers, body = rt.read()
        assert status == 200 and json.loads(body)["rawQueryString"] == "n=1"
        first_id = headers["lambda-runtime-aws-request-id"]
        # The answer and the next /next in one write: the answer counts at once.
        answer = json.dumps({"statusCode": 200, "body": "one"}).encode()
        rt.send(rt.request("POST", f"/invocation/{first_id}/response", answer),
                rt.request("GET", "/invocation/next"))
        response = first.result()
        assert response.status_code == 200 and response.text == "one"
        second = Caller(f"{deployment.url}/go?n=2")
        # Answers come back in request order: the answer's 202, then the second event.
        status, _, body = rt.read()
        assert (status, json.loads(body)) == (202, {"status": "OK"})
        status, headers, body = rt.read()
        assert status == 200 and json.loads(body)["rawQueryString"] == "n=2"
        second_id = headers["lambda-runtime-aws-request-id"]
        assert second_id != first_id
        # A pipelined wrong answer is refused and the /next behind it still waits for an event.
        wrong = rt.request("POST", "/invocation/nope/response", b"{}")
        right = rt.request("POST", f"/invocation/{second_id}/response",
                           json.dumps({"statusCode": 200, "body": "two"}).encode())
        rt.send(wrong, right, rt.request("GET", "/invocation/next"))
        assert second.result().text == "two"
        third = Caller(f"{deployment.url}/go?n=3")
        answers = [rt.read() for _ in range(3)]
        assert [status for status, _, _ in answers] == [400, 202, 200]
        assert json.loads(answers[0][2])["errorType"] == "InvalidRequestID"
        third_id = answers[2][1]["lambda-runtime-aws-request-id"]
        rt.send(rt.request("POST", f"/invocation/{third_id}/response",
                           json.dumps({"statusCode": 200, "body": "three"}).encode()))
        assert rt.read()[0] == 202
    finally:
        rt.close()
    assert third.result().text == "three"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16"])
def test_an_answer_is_json_in_any_encoding_json_allows(played, encoding):
    # The answer is decoded as json.loads decodes bytes (UTF-8 with or without a BOM, UTF-16);
    # the quick path for plain UTF-8 JSON must not change that.
    deployment, fn, base = played
    caller = Caller(f"{deployment.url}/go")
    with httpx.Client(base_url=base(), timeout=30) as rt:
        request_id = rt.get("/invocation/next").headers["lambda-runtime-aws-request-id"]
        answer = json.dumps({"statusCode": 201, "body": "crème brûlée"}, ensure_ascii=False)
        assert rt.post(f"/invocation/{request_id}/response",
                       content=answer.encode(encoding)).status_code == 202
    response = caller.result()
    assert response.status_code == 201 and response.text == "crème brûlée"


def test_an_answer_orjson_refuses_is_read_as_json_reads_it(played):
    # An integer past 64 bits: the quick reader (orjson) refuses it, json reads it exactly; a
    # payload without statusCode is the response body (payload format 2.0), encoded again.
    deployment, fn, base = played
    caller = Caller(f"{deployment.url}/go")
    big = 123456789012345678901234567890
    with httpx.Client(base_url=base(), timeout=30) as rt:
        request_id = rt.get("/invocation/next").headers["lambda-runtime-aws-request-id"]
        assert rt.post(f"/invocation/{request_id}/response",
                       content=b'{"n": %d}' % big).status_code == 202
    response = caller.result()
    assert response.status_code == 200 and json.loads(response.text) == {"n": big}


def test_the_event_is_utf8_json(played):
    # The event reaches the runtime as UTF-8 JSON (non-ASCII text as it is, or escaped: JSON
    # allows both; the runtime's JSON reader must get the same text back).
    deployment, fn, base = played
    caller = Caller(f"{deployment.url}/go?q=cr%C3%A8me")
    with httpx.Client(base_url=base(), timeout=30) as rt:
        next_ = rt.get("/invocation/next")
        event = json.loads(next_.content.decode("utf-8"))
        assert next_.headers["content-type"] == "application/json"
        assert event["queryStringParameters"] == {"q": "crème"}
        request_id = next_.headers["lambda-runtime-aws-request-id"]
        assert rt.post(f"/invocation/{request_id}/response",
                       content=b'{"statusCode": 200, "body": "ok"}').status_code == 202
    assert caller.result().text == "ok"


def test_a_runtime_url_with_a_query_is_the_same_resource(played):
    # Plain paths skip URL parsing; a query string still names the same resource (its path).
    deployment, fn, base = played
    caller = Caller(f"{deployment.url}/go")
    with httpx.Client(base_url=base(), timeout=30) as rt:
        next_ = rt.get("/invocation/next?client=test")
        assert next_.status_code == 200
        request_id = next_.headers["lambda-runtime-aws-request-id"]
        assert rt.post(f"/invocation/{request_id}/response?x=1",
                       content=b'{"statusCode": 200, "body": "queried"}').status_code == 202
    assert caller.result().text == "queried"
