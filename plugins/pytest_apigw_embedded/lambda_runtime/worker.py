"""A Lambda worker process: ``python -m pytest_apigw_embedded.lambda_runtime.worker``.

Protocol on stdin/stdout: frames of a 4-byte big-endian length and a pickle. The first frame
names the handler ``(module, qualname)``; each next frame is ``(event, context_fields)`` and is
answered by an :class:`InvokeResult`. The handler's prints and log records are captured per
invocation and sent back with the result.
"""

from __future__ import annotations

import contextlib
import importlib
import io
import logging
import os
import pickle
import struct
import sys
import traceback
from typing import Any, BinaryIO

from pytest_apigw_embedded.lambda_runtime.context import LambdaContext
from pytest_apigw_embedded.lambda_runtime.result import InvokeResult, handler_traceback

HEADER = struct.Struct(">I")


def read_frame(stream: BinaryIO) -> Any:
    """Read one frame, or ``None`` at end of stream."""
    head = stream.read(HEADER.size)
    if len(head) < HEADER.size:
        return None
    (size,) = HEADER.unpack(head)
    return pickle.loads(stream.read(size))


def write_frame(stream: BinaryIO, obj: Any) -> None:
    """Write one frame and flush."""
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(HEADER.pack(len(data)) + data)
    stream.flush()


def _resolve(module_name: str, qualname: str) -> Any:
    obj: Any = importlib.import_module(module_name)
    for part in qualname.split("."):
        obj = getattr(obj, part)
    return obj


def _invoke(handler: Any, event: Any, fields: dict[str, Any]) -> InvokeResult:
    buffer = io.StringIO()
    log_handler = logging.StreamHandler(buffer)
    log_handler.setFormatter(logging.Formatter("[%(levelname)s] %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(log_handler)
    try:
        with contextlib.redirect_stdout(buffer), contextlib.redirect_stderr(buffer):
            payload = handler(event, LambdaContext(**fields))
        result = InvokeResult(payload=payload)
    except Exception as exc:
        result = InvokeResult(
            error_type=type(exc).__name__, error_message=str(exc), traceback=handler_traceback(exc)
        )
    finally:
        root.removeHandler(log_handler)
    result.logs = [buffer.getvalue()] if buffer.getvalue() else []
    return result


def serve(inp: BinaryIO, out: BinaryIO) -> None:
    """Resolve the handler named by the first frame on ``inp``, answer ``ready`` on ``out``, then
    serve invocations until ``inp`` closes (a worker spawned fresh, or forked from the template)."""
    module_name, qualname, code_dir = read_frame(inp)
    if code_dir:
        sys.path.insert(0, code_dir)
    try:
        handler = _resolve(module_name, qualname)
    except Exception as exc:
        write_frame(out, InvokeResult(error_type="Runtime.ImportModuleError", error_message=repr(exc),
                                      traceback=traceback.format_exc()))
        return
    write_frame(out, InvokeResult(payload="ready"))
    while (frame := read_frame(inp)) is not None:
        event, fields = frame
        try:
            result = _invoke(handler, event, fields)
            write_frame(out, result)
        except Exception as exc:  # e.g. a payload pickle cannot carry
            write_frame(out, InvokeResult(error_type="Runtime.MarshalError", error_message=repr(exc)))


def main() -> None:
    """Serve invocations on stdin/stdout until stdin closes."""
    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # stray prints go to stderr, never into the protocol
    serve(sys.stdin.buffer, out)


if __name__ == "__main__":
    main()
