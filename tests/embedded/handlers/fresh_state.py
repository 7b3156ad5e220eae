"""A worker-process handler with module state: each worker imports it afresh."""

import json
import os
import sys
import time

CALLS = 0


def count(event, context):
    """Count the calls this process's copy of the module has served; show what the process got."""
    global CALLS
    if (event.get("queryStringParameters") or {}).get("exit"):
        os._exit(3)  # the process dies mid-invocation
    CALLS += 1
    os.write(2, f"fresh-state stderr mark {context.function_name}\n".encode())
    return {"statusCode": 200, "body": json.dumps({
        "calls": CALLS,
        "pid": os.getpid(),
        "ppid": os.getppid(),
        "cwd": os.getcwd(),
        "utc_offset": time.localtime().tm_gmtoff,
        "tz": os.environ.get("TZ"),
        "path_head": sys.path[:1],
    })}
