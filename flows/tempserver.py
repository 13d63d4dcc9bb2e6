"""Prefect's temporary API server for ``newsetl run``, started by newsetl and handed to the flow as its
``PREFECT_API_URL``.

Without an API configured, Prefect starts the same server itself (``SubprocessASGIServer``: uvicorn
serving ``prefect.server.api.server:create_app`` on a free loopback port, the UI off, the ephemeral
services). Doing it here instead:

* the server runs in a process group of its own, so the terminal's Ctrl-C reaches newsetl only and the
  flow reports its crash to a live API (``flows.interrupt``), and it ends with newsetl (at the end of the
  run, or by ``PR_SET_PDEATHSIG`` on Linux when newsetl dies);
* it starts before this process builds its set-up, on the other core, and is waited for after it;
* this process never imports the server's code (FastAPI, SQLAlchemy, the models: ~1.9 s CPU measured):
  the flow talks to it over HTTP like to any Prefect server.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from newsetl.errors import OrchestratorError

PORT_IN_USE = 3
"""uvicorn's exit status when it cannot bind its port (another process took the free port first)."""


def _own_group_dying_with_parent() -> None:  # runs in the child between fork and exec
    os.setpgid(0, 0)
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None).prctl(1, signal.SIGTERM, 0, 0, 0)  # PR_SET_PDEATHSIG


def free_port() -> int:
    """A loopback port free right now (the OS picks it)."""
    with contextlib.closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class TemporaryServer:
    """One temporary Prefect API server: :meth:`spawn`, then :meth:`wait` for its URL, :meth:`stop` at the end."""

    def __init__(self) -> None:
        self.port: int | None = None
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api"

    def _command(self) -> list[str]:
        import prefect

        return [sys.executable, "-m", "uvicorn", "--app-dir", str(Path(prefect.__file__).parent.parent),
                "--factory", "prefect.server.api.server:create_app", "--host", "127.0.0.1",
                "--port", str(self.port), "--log-level", "error", "--lifespan", "on"]

    def _env(self) -> dict[str, str]:
        from prefect.settings import get_current_settings

        return {**os.environ, "PREFECT_UI_ENABLED": "0", "PREFECT__SERVER_EPHEMERAL": "1",
                "PREFECT__SERVER_FINAL": "1",
                **get_current_settings().to_environment_variables(exclude_unset=True)}

    def spawn(self) -> None:
        """Start the server process (call it while this process runs no other thread: the child runs a
        function between fork and exec)."""
        self.port = free_port()
        self.proc = subprocess.Popen(self._command(), env=self._env(), stdin=subprocess.DEVNULL,
                                     preexec_fn=_own_group_dying_with_parent)

    def _healthy(self) -> bool:
        try:
            with urllib.request.urlopen(f"{self.api_url}/health", timeout=2) as r:
                return bool(r.status == 200)
        except OSError:  # refused, reset, timed out (urllib's URLError is an OSError too)
            return False

    def wait(self, timeout: float | None = None) -> str:
        """Block until the server answers its health check; returns its API URL. A port taken between
        choosing and binding it is retried on another port, as Prefect does."""
        from prefect.settings import PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS

        limit = timeout if timeout is not None else float(PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS.value())
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            assert self.proc is not None, "spawn() first"
            code = self.proc.poll()
            if code == PORT_IN_USE:
                self.spawn()
                continue
            if code is not None:
                raise OrchestratorError(
                    f"Prefect's temporary API server exited with status {code} before answering (its database "
                    f"is under PREFECT_HOME): see its messages above, or run with --no-prefect, or point "
                    f"PREFECT_API_URL at a running Prefect server")
            if self._healthy():
                return self.api_url
            time.sleep(0.05)
        self.stop()
        raise OrchestratorError(
            f"Prefect's temporary API server did not answer within {limit:g} s: raise "
            f"PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS, run with --no-prefect, or point PREFECT_API_URL "
            f"at a running Prefect server")

    def stop(self) -> None:
        """Terminate the server and reap it (killed after 5 s, as Prefect stops its own)."""
        proc, self.proc = self.proc, None
        if proc is None or proc.poll() is not None:
            return
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
