"""Prefect's temporary API server for ``newsetl run``, started by newsetl and handed to the flow as its
``PREFECT_API_URL``.

Without an API configured, Prefect starts the same server itself (``SubprocessASGIServer``: uvicorn
serving ``prefect.server.api.server:create_app`` on a free loopback port, the UI off, the ephemeral
services). Doing it here instead:

* the server runs in a process group of its own, so the terminal's Ctrl-C reaches newsetl only and the
  flow reports its crash to a live API (``flows.interrupt``), and it ends with newsetl (at the end of the
  run, or by ``PR_SET_PDEATHSIG`` on Linux when newsetl dies);
* it starts before this process builds its set-up, on the other core, and is waited for after it; when
  :func:`needed_before_prefect` can tell from the environment and the profile file alone that Prefect would
  start one, it is spawned even before this process imports Prefect's settings (~0.6 s sooner);
* this process never imports the server's code (FastAPI, SQLAlchemy, the models: ~1.9 s CPU measured):
  the flow talks to it over HTTP like to any Prefect server.
"""

from __future__ import annotations

import contextlib
import ctypes
import importlib.util
import os
import signal
import socket
import subprocess
import sys
import time
import tomllib
import urllib.request
from pathlib import Path
from typing import Any

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


#: settings that decide whether Prefect starts its temporary server, or which profile it reads: set in the
#: environment (any case), :func:`needed_before_prefect` leaves the answer to Prefect
_DECIDING_ENV = ("PREFECT_PROFILE", "PREFECT_PROFILES_PATH", "PREFECT_SERVER_EPHEMERAL_ENABLED",
                 "PREFECT_SERVER_ALLOW_EPHEMERAL_MODE", "PREFECT_TEST_MODE", "PREFECT_UNIT_TEST_MODE")
_TRUE = ("1", "true", "yes", "on")


def _prefect_dir() -> Path | None:
    """The installed ``prefect`` package's folder, found without importing it."""
    spec = importlib.util.find_spec("prefect")
    return Path(spec.origin).parent if spec is not None and spec.origin else None


def _profile(env: dict[str, str]) -> dict[str, Any] | None:
    """The active Prefect profile's settings (names upper-cased) as Prefect reads them when no ``.env``,
    ``prefect.toml`` or ``[tool.prefect]`` is in the working directory and no profile is chosen by the
    environment; None when the file is unreadable."""
    home = Path(env["PREFECT_HOME"]) if env.get("PREFECT_HOME") else Path("~/.prefect").expanduser()
    path = home / "profiles.toml"
    pkg = _prefect_dir()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
        profiles = data.get("profiles") or {}
        active = data.get("active")
        if not active or active not in profiles:  # Prefect's own default profile
            if pkg is None:
                return None
            data = tomllib.loads((pkg / "settings" / "profiles.toml").read_text(encoding="utf-8"))
            profiles, active = data.get("profiles") or {}, data.get("active", "ephemeral")
        return {str(k).upper(): v for k, v in (profiles.get(active) or {}).items()}
    except (OSError, tomllib.TOMLDecodeError, AttributeError, TypeError):
        return None


def _local_config(cwd: Path) -> bool:
    """True when the working directory holds a file Prefect reads settings from (``.env``, ``prefect.toml``,
    a ``pyproject.toml`` with ``[tool.prefect]``; an unreadable one counts)."""
    if (cwd / ".env").is_file() or (cwd / "prefect.toml").exists():
        return True
    pyproject = cwd / "pyproject.toml"
    if not pyproject.exists():
        return False
    try:
        return "prefect" in (tomllib.loads(pyproject.read_text(encoding="utf-8")).get("tool") or {})
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError):
        return True


def needed_before_prefect(environ: dict[str, str] | None = None, cwd: Path | None = None) -> bool | None:
    """Whether Prefect would start its temporary server, told from the environment and the profile file
    alone (a few milliseconds; importing ``prefect.settings`` costs ~0.6 s): True or False when sure, None
    when another source could decide it (``flows.startup.uses_temporary_server`` then asks Prefect).

    An API URL in the environment or the active profile means no server; Prefect's default profile, or a
    profile that enables the ephemeral server, means one."""
    env = {k.upper(): v for k, v in (os.environ if environ is None else environ).items()}
    if env.get("PREFECT_API_URL"):
        return False
    if any(k in env for k in _DECIDING_ENV) or _local_config(Path.cwd() if cwd is None else cwd):
        return None
    profile = _profile(env)
    if profile is None:
        return None
    if profile.get("PREFECT_API_URL"):
        return False
    enabled = profile.get("PREFECT_SERVER_EPHEMERAL_ENABLED", profile.get("PREFECT_SERVER_ALLOW_EPHEMERAL_MODE"))
    return None if enabled is None else str(enabled).strip().lower() in _TRUE


class TemporaryServer:
    """One temporary Prefect API server: :meth:`spawn`, then :meth:`wait` for its URL, :meth:`stop` at the end."""

    def __init__(self) -> None:
        self.port: int | None = None
        self.proc: subprocess.Popen[bytes] | None = None
        self.settings_env = True  # pass this process's Prefect settings to the server (see spawn)

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api"

    def _command(self) -> list[str]:
        pkg = _prefect_dir()
        if pkg is None:
            raise OrchestratorError("Prefect is not installed: reinstall newsetl (`bash scripts/setup.sh`) or run "
                                    "with --no-prefect")
        return [sys.executable, "-m", "uvicorn", "--app-dir", str(pkg.parent),
                "--factory", "prefect.server.api.server:create_app", "--host", "127.0.0.1",
                "--port", str(self.port), "--log-level", "error", "--lifespan", "on"]

    def _env(self) -> dict[str, str]:
        env = {**os.environ, "PREFECT_UI_ENABLED": "0", "PREFECT__SERVER_EPHEMERAL": "1", "PREFECT__SERVER_FINAL": "1"}
        if self.settings_env:
            from prefect.settings import get_current_settings

            env.update(get_current_settings().to_environment_variables(exclude_unset=True))
        return env

    def spawn(self, *, settings_env: bool = True) -> None:
        """Start the server process (call it while this process runs no other thread: the child runs a
        function between fork and exec). ``settings_env=False`` before ``prefect.settings`` is imported: the
        server then reads the same environment and profile file as this process would
        (:func:`needed_before_prefect` was sure no other source sets anything)."""
        self.settings_env = settings_env
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
                self.spawn(settings_env=self.settings_env)
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
