"""A MiniStack server on a free loopback port, as a subprocess (tests and benchmarks use it).

    with MiniStackServer() as server:       # ready when /_localstack/health answers 200
        ... --apigw-endpoint=server.url ...
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

from pytest_apigw.errors import BackendUnavailable

HOST = "127.0.0.1"


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


class MiniStackServer:
    """``GATEWAY_PORT=<port> BIND_HOST=127.0.0.1 python -m ministack``, stopped by its own PID."""

    def __init__(
        self, port: int | None = None, python: str | None = None, ready_timeout: float = 30.0
    ) -> None:
        self.port = port or free_port()
        self.python = python or sys.executable
        self.ready_timeout = ready_timeout
        self.url = f"http://{HOST}:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None
        self._log = tempfile.TemporaryFile()  # noqa: SIM115 - closed in __exit__

    def start(self) -> MiniStackServer:
        """Start the server and wait until its health endpoint answers 200."""
        env = {**os.environ, "GATEWAY_PORT": str(self.port), "BIND_HOST": HOST}
        env.pop("AWS_ENDPOINT_URL", None)
        self.process = subprocess.Popen(
            [self.python, "-m", "ministack"], env=env, stdout=self._log, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, start_new_session=True,
        )
        deadline = time.monotonic() + self.ready_timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                code = self.process.returncode
                raise BackendUnavailable(f"MiniStack exited with {code}: {self.log()[-2000:]}")
            try:
                with urllib.request.urlopen(self.url + "/_localstack/health", timeout=1) as response:  # noqa: S310
                    if response.status == 200:
                        return self
            except OSError:
                pass
            time.sleep(0.1)
        self.stop()
        raise BackendUnavailable(f"MiniStack did not answer at {self.url} within {self.ready_timeout} s")

    def log(self) -> str:
        """What the server printed so far."""
        self._log.seek(0)
        return self._log.read().decode(errors="replace")

    def stop(self) -> None:
        """Terminate the server (and the Lambda workers it started: its process group)."""
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        try:
            os.killpg(process.pid, 15)
        except (ProcessLookupError, PermissionError):
            process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, 9)
            process.wait(timeout=5)

    def __enter__(self) -> MiniStackServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
        self._log.close()
