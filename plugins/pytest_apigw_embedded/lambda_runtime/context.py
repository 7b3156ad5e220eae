"""The Lambda context object handed to handlers, and the standard Lambda environment."""

from __future__ import annotations

import os
import random
import time
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pytest_apigw_embedded.aws import ACCOUNT_ID, REGION

if TYPE_CHECKING:
    from pytest_apigw.spec.function import Function


def function_arn(function_name: str) -> str:
    """The ARN a function gets in the emulator's fake account and region."""
    return f"arn:aws:lambda:{REGION}:{ACCOUNT_ID}:function:{function_name}"


def handler_name(function: Function) -> str:
    """``module.func`` of a function's handler, as ``_HANDLER`` shows it."""
    if isinstance(function.handler, str):
        return function.handler
    module = getattr(function.handler, "__module__", "handler")
    return f"{module}.{getattr(function.handler, '__name__', 'handler')}"


#: Set for Python handlers (in-process and in workers) unless their function sets it: the X-Ray
#: SDK's own off switch, as no X-Ray daemon listens here (``sam local`` turns tracing off too).
#: Initialized in Lambda mode (Powertools' ``Tracer()``, ``patch_all()``) it would patch botocore,
#: in-process for the whole test process, and log "Subsegment discarded due to Lambda worker still
#: initializing" at every AWS call (no ``_X_AMZN_TRACE_ID`` here).
NO_XRAY_DAEMON = {"AWS_XRAY_SDK_ENABLED": "false"}


def lambda_environment(function: Function, log_stream: str) -> dict[str, str]:
    """The variables the Lambda runtime sets for ``function`` (a spec ``Function``)."""
    return {
        "AWS_LAMBDA_FUNCTION_NAME": function.function_name,
        "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(function.memory_size),
        "AWS_LAMBDA_LOG_GROUP_NAME": f"/aws/lambda/{function.function_name}",
        "AWS_LAMBDA_LOG_STREAM_NAME": log_stream,
        "AWS_LAMBDA_INITIALIZATION_TYPE": "on-demand",
        "AWS_EXECUTION_ENV": f"AWS_Lambda_{function.runtime}",
        "AWS_REGION": REGION,
        "AWS_DEFAULT_REGION": REGION,
        "LAMBDA_TASK_ROOT": str(function.code) if function.code else "/var/task",
        "LAMBDA_RUNTIME_DIR": "/var/runtime",
        "_HANDLER": handler_name(function),
        "TZ": ":UTC",
    }


def new_log_stream() -> str:
    """A log stream name in Lambda's ``YYYY/MM/DD/[$LATEST]hex`` form."""
    return time.strftime("%Y/%m/%d/[$LATEST]", time.gmtime()) + uuid.uuid4().hex


#: Invocation ids need to be unique, not secret: a PRNG of our own, seeded once and again in a
#: forked child (a test seeding ``random`` does not repeat them), costs no system call per id.
_RANDOM = random.Random()
os.register_at_fork(after_in_child=_RANDOM.seed)


def new_request_id() -> str:
    """A UUID-shaped invocation id (cheaper than ``uuid.uuid4()`` on the request path)."""
    h = f"{_RANDOM.getrandbits(128):032x}"
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{h[16:20]}-{h[20:]}"


@dataclass(slots=True, init=False)
class LambdaContext:
    """What ``context`` is in a Python Lambda handler (awslambdaric's attributes).

    ``aws_request_id`` is made when first read (most handlers never read it), then kept: a
    copy, a pickle, ``dataclasses.asdict``, ``==`` and ``repr`` all read it, so they see the
    same id as the handler."""

    function_name: str
    memory_limit_in_mb: str
    log_stream_name: str
    deadline_ms: float
    aws_request_id: str
    function_version: str
    identity: Any
    client_context: Any

    def __init__(self, function_name: str, memory_limit_in_mb: str, log_stream_name: str, deadline_ms: float,
                 aws_request_id: str | None = None, function_version: str = "$LATEST", identity: Any = None,
                 client_context: Any = None) -> None:
        self.function_name = function_name
        self.memory_limit_in_mb = memory_limit_in_mb
        self.log_stream_name = log_stream_name
        self.deadline_ms = deadline_ms
        if aws_request_id is not None:  # else made when first read (``__getattr__``)
            self.aws_request_id = aws_request_id
        self.function_version = function_version
        self.identity = identity
        self.client_context = client_context

    def __getattr__(self, name: str) -> Any:
        # Only called for an attribute not set: ``aws_request_id`` before its first read.
        if name == "aws_request_id":
            made = self.aws_request_id = new_request_id()
            return made
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def __getstate__(self) -> tuple[None, dict[str, Any]]:
        # every field read (the request id made if need be), so a copy or a pickle keeps it
        return None, {name: getattr(self, name) for name in self.__slots__}

    @property
    def invoked_function_arn(self) -> str:
        """The function's ARN."""
        return function_arn(self.function_name)

    @property
    def log_group_name(self) -> str:
        """``/aws/lambda/<function name>``."""
        return f"/aws/lambda/{self.function_name}"

    def get_remaining_time_in_millis(self) -> int:
        """Milliseconds left before the function times out."""
        return max(0, int(self.deadline_ms - time.time() * 1000))

    @classmethod
    def for_function(cls, function: Function, log_stream: str,
                     request_id: str | None = None) -> LambdaContext:
        """A fresh context for one invocation of ``function`` (deadline from its timeout)."""
        return cls(
            function.function_name, str(function.memory_size), log_stream,
            time.time() * 1000 + function.timeout * 1000, request_id or None,
        )
