"""The Lambda Runtime API (version 2018-06-01) of one execution environment: its state machine.

Each instance (one worker process) gets its own endpoint, ``AWS_LAMBDA_RUNTIME_API``, because
the protocol has no other way to tell instances apart: ``GET .../invocation/next`` long-polls
for the instance's next event. Status codes and error bodies follow AWS's own implementation
(aws-lambda-runtime-interface-emulator, ``lambda/rapi/handler`` and ``rendering``):

- ``/next`` → 200, the event as the body and the ``Lambda-Runtime-*`` headers;
- ``/{id}/response`` and ``/{id}/error`` → 202 ``{"status": "OK"}``; an answer while no
  invocation is waiting for one (e.g. a repeated answer) → 403 ``InvalidStateTransition``;
  an id that is not the current invocation's → 400 ``InvalidRequestID``; a response over
  6 MB → 413 ``RequestEntityTooLarge`` (and the invocation fails with
  ``Function.ResponseSizeTooLarge``);
- ``/init/error`` → 202, and the instance's start fails with that error.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import orjson

from pytest_apigw_embedded.lambda_runtime.result import InvokeResult

PREFIX = "/2018-06-01/runtime/"
#: Lambda's synchronous invocation payload limit (bytes), for responses.
MAX_PAYLOAD_SIZE = 6 * 1024 * 1024
_JSON = [(b"content-type", b"application/json")]
#: ``(status, headers, body)`` of a Runtime API answer.
Answer = tuple[int, list[tuple[bytes, bytes]], bytes]
#: Where a parked ``/next`` answer goes once an event is there (the connection's writer).
Deliver = Callable[[Answer], None]


@dataclass
class PendingInvocation:
    """One event handed to an instance, and the future its answer resolves."""

    request_id: str
    body: bytes
    deadline_ms: int
    function_arn: str
    trace_id: str
    result: asyncio.Future[InvokeResult]
    client_context: str | None = None
    cognito_identity: str | None = None
    logs: list[str] = field(default_factory=list)

    def headers(self) -> list[tuple[bytes, bytes]]:
        """The ``Lambda-Runtime-*`` headers of ``/next`` (empty ones left out, as AWS does)."""
        headers = [
            (b"Lambda-Runtime-Aws-Request-Id", self.request_id.encode()),
            (b"Lambda-Runtime-Deadline-Ms", b"%d" % self.deadline_ms),
            (b"Lambda-Runtime-Invoked-Function-Arn", self.function_arn.encode()),
            (b"Lambda-Runtime-Trace-Id", self.trace_id.encode()),
        ]
        if self.client_context:
            headers.append((b"Lambda-Runtime-Client-Context", self.client_context.encode()))
        if self.cognito_identity:
            headers.append((b"Lambda-Runtime-Cognito-Identity", self.cognito_identity.encode()))
        headers.append((b"Content-Type", b"application/json"))
        return headers

    def settle(self, result: InvokeResult) -> None:
        """Resolve the invocation (once; later answers are ignored)."""
        if not self.result.done():
            self.result.set_result(result)


def error_result(body: bytes, header_type: str | None, fallback: str) -> InvokeResult:
    """An :class:`InvokeResult` from an ``/error`` or ``/init/error`` body: ``{errorType,
    errorMessage, stackTrace}`` (AWS's clients) or ``{..., trace}`` (Node's)."""
    try:
        data: Any = json.loads(body) if body else {}
    except ValueError:
        data = {"errorMessage": body.decode("utf-8", "replace")}
    if not isinstance(data, dict):
        data = {"errorMessage": json.dumps(data)}
    trace = data.get("stackTrace") or data.get("trace")
    if isinstance(trace, list):
        trace = "\n".join(str(line) for line in trace)
    return InvokeResult(
        error_type=str(data.get("errorType") or header_type or fallback),
        error_message=str(data.get("errorMessage", "")),
        traceback=str(trace) if trace else None,
    )


_decode = json.JSONDecoder().decode


#: 19 digits in a row: maybe an integer past 64 bits, which orjson reads as a float (json exactly).
_LONG_DIGITS = re.compile(rb"\d{19}")


def payload_of(body: bytes) -> Any:
    """The handler's answer: JSON when it is JSON, else the text as sent. orjson reads strict
    UTF-8 JSON about four times faster than ``json``; what it refuses (``NaN``, lone surrogates,
    other encodings, text) or may read otherwise (19 digits or more) is read as ``json`` reads it."""
    if _LONG_DIGITS.search(body) is None:
        try:
            return orjson.loads(body)
        except orjson.JSONDecodeError:
            pass
    return stdlib_payload_of(body)


def stdlib_payload_of(body: bytes) -> Any:
    """:func:`payload_of` with the standard library's ``json`` alone."""
    try:
        if body[:1] in (b"{", b"[", b'"') and body[1:2] != b"\x00":
            # What json.loads(bytes) would detect as UTF-8, without detecting it.
            return _decode(body.decode("utf-8"))
        return json.loads(body)
    except ValueError:
        return body.decode("utf-8", "replace")


class RuntimeApi:
    """The Runtime API state of one instance: what ``/next`` hands out and which answer is due.

    ``state`` follows Lambda's runtime states: ``init`` (started, no ``/next`` yet), ``ready``
    (waiting in ``/next``), ``invoking`` (an event handed out, its answer due), ``answered``
    (answered, the next ``/next`` not yet made), ``closed``.
    """

    def __init__(self) -> None:
        self.state = "init"
        #: Resolved at the first ``/next`` (``None``) or by an init failure (the error).
        self.ready: asyncio.Future[InvokeResult | None] = asyncio.get_running_loop().create_future()
        self.current: PendingInvocation | None = None
        self._queue: deque[PendingInvocation] = deque()
        #: The writer of a ``/next`` waiting for an event (long-polling), answered in place.
        self._parked: Deliver | None = None

    # -- the instance's side ------------------------------------------------------------

    def dispatch(self, invocation: PendingInvocation) -> None:
        """Queue ``invocation`` for the instance's ``/next``; a waiting ``/next`` is answered now,
        from the caller's own stack (no task, no extra turn of the event loop)."""
        self._queue.append(invocation)
        deliver = self._parked
        if deliver is not None:
            self._parked = None
            deliver(self._hand_out())

    def fail(self, result: InvokeResult) -> None:
        """The instance is gone (exited, killed): fail its start and its invocation."""
        self.state = "closed"
        if not self.ready.done():
            self.ready.set_result(result)
        for invocation in [self.current, *self._queue]:
            if invocation is not None:
                invocation.settle(result)
        self._queue.clear()
        deliver = self._parked
        if deliver is not None:
            self._parked = None
            deliver(_error(500, "InternalServerError", "Internal Server Error"))

    def unpark(self, deliver: Deliver) -> None:
        """Forget a waiting ``/next`` whose connection went away."""
        if self._parked is deliver:
            self._parked = None

    # -- the protocol ---------------------------------------------------------------------

    def _next(self, deliver: Deliver) -> Answer | None:
        if self.state == "invoking":
            # Lambda's runtime may not ask for another event before answering this one.
            return _error(403, "InvalidStateTransition", "State transition from Invoking to Ready "
                          "failed for runtime. Error: the current invocation has not been answered")
        if self.state == "closed":
            return _error(500, "InternalServerError", "Internal Server Error")
        self.state = "ready"
        if not self.ready.done():
            self.ready.set_result(None)
        if self._queue:
            return self._hand_out()
        self._parked = deliver  # long-poll: dispatch() or fail() answers it
        return None

    def _hand_out(self) -> Answer:
        invocation = self._queue.popleft()
        self.current = invocation
        self.state = "invoking"
        return 200, invocation.headers(), invocation.body

    def _answer(self, request_id: str, kind: str, body: bytes, too_large: bool,
                error_type: str | None) -> Answer:
        current = self.current
        if self.state != "invoking" or current is None:
            target = "InvocationResponse" if kind == "response" else "InvocationErrorResponse"
            names = {"init": "Started", "ready": "Ready", "answered": "ResponseSent"}
            shown = names.get(self.state, self.state)
            return _error(403, "InvalidStateTransition", f"State transition from {shown} to {target} "
                          "failed for runtime. Error: no invocation is waiting for an answer")
        if request_id != current.request_id:
            return _error(400, "InvalidRequestID", "Invalid request ID")
        self.state = "answered"
        if kind == "error":
            current.settle(error_result(body, error_type, "Unhandled"))
            return _accepted()
        if too_large:
            current.settle(InvokeResult(
                error_type="Function.ResponseSizeTooLarge",
                error_message=f"Response payload size exceeded maximum allowed payload size "
                              f"({MAX_PAYLOAD_SIZE} bytes).",
            ))
            return _error(413, "RequestEntityTooLarge",
                          f"Exceeded maximum allowed payload size ({MAX_PAYLOAD_SIZE} bytes).")
        current.settle(InvokeResult(payload=payload_of(body)))
        return _accepted()

    def _init_error(self, body: bytes, error_type: str | None) -> Answer:
        if self.state != "init":
            return _error(403, "InvalidStateTransition", f"State transition from {self.state} to "
                          "InitError failed for runtime. Error: init has already finished")
        result = error_result(body, error_type, "Runtime.Unknown")
        self.fail(result)
        return _accepted()

    def handle(self, method: str, path: str, body: bytes, too_large: bool,
               headers: dict[bytes, bytes], deliver: Deliver) -> Answer | None:
        """Answer one Runtime API request: ``(status, headers, body)``, or ``None`` for a
        ``/next`` that waits for the next event (``deliver`` gets its answer then)."""
        if not path.startswith(PREFIX):
            return _error(404, "NotFound", f"no Runtime API resource {path}")
        rest = path[len(PREFIX):]
        error_type = headers.get(b"lambda-runtime-function-error-type")
        kind_header = error_type.decode("latin-1") if error_type else None
        if rest == "invocation/next" and method == "GET":
            return self._next(deliver)
        if rest == "init/error" and method == "POST":
            return self._init_error(body, kind_header)
        parts = rest.split("/")
        if len(parts) == 3 and parts[0] == "invocation" and parts[2] in ("response", "error") \
                and method == "POST":
            return self._answer(parts[1], parts[2], body, too_large, kind_header)
        return _error(404, "NotFound", f"no Runtime API resource {method} {path}")


#: The answer to an accepted response or error (one object: the server renders it once).
ACCEPTED: Answer = (202, _JSON, b'{"status":"OK"}')


def _accepted() -> Answer:
    return ACCEPTED


def _error(status: int, error_type: str, message: str) -> Answer:
    body = json.dumps({"errorMessage": message, "errorType": error_type}).encode()
    return status, _JSON, body
