"""Integration-test helpers: background processes in their own process groups, always killed at teardown."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sysconfig
import time
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from types import SimpleNamespace

import pytest

REPO = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sysconfig.get_path("scripts"))  # the environment running the tests, wherever it lives


def exe(name: str) -> str:
    p = VENV_BIN / name
    return str(p) if p.exists() else name


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Procs:
    """Processes started by one test; ``stop_all`` kills each one's whole process group."""

    def __init__(self, log_dir: Path) -> None:
        self.log_dir = log_dir
        self.started: list[tuple[str, subprocess.Popen[bytes]]] = []

    def start(self, name: str, args: list[str], env: Mapping[str, str], cwd: Path = REPO) -> subprocess.Popen[bytes]:
        log = open(self.log_dir / f"{name}.log", "wb")  # noqa: SIM115 - closed with the process
        p = subprocess.Popen(args, cwd=cwd, env=dict(env), stdout=log, stderr=subprocess.STDOUT,
                             stdin=subprocess.DEVNULL, start_new_session=True)
        log.close()
        self.started.append((name, p))
        return p

    def log(self, name: str) -> str:
        p = self.log_dir / f"{name}.log"
        return p.read_text(errors="replace")[-4000:] if p.exists() else ""

    def stop_all(self) -> None:
        for _name, p in reversed(self.started):
            if p.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(p.pid, signal.SIGTERM)
        deadline = time.monotonic() + 15
        for _name, p in reversed(self.started):
            with contextlib.suppress(subprocess.TimeoutExpired):
                p.wait(timeout=max(0.1, deadline - time.monotonic()))
            # the group may hold children (a flow run of the worker) that outlive the leader
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(p.pid, signal.SIGKILL)
            with contextlib.suppress(subprocess.TimeoutExpired):
                p.wait(timeout=5)


def wait_until(cond: Callable[[], bool], timeout: float, what: str, interval: float = 0.5) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if cond():
            return
        time.sleep(interval)
    raise TimeoutError(f"timed out after {timeout:.0f} s waiting for {what}")


def run(args: list[str], env: Mapping[str, str], timeout: float = 120, cwd: Path = REPO) -> str:
    """Run a command to completion; raise with its output when it fails."""
    p = subprocess.run(args, cwd=cwd, env=dict(env), capture_output=True, text=True, timeout=timeout,
                       stdin=subprocess.DEVNULL)
    if p.returncode != 0:
        raise AssertionError(f"{' '.join(args)} exited {p.returncode}:\n{p.stdout[-3000:]}\n{p.stderr[-3000:]}")
    return p.stdout


@pytest.fixture
def procs(tmp_path: Path) -> Iterator[Procs]:
    """Start background processes; every one (and its process group) is killed when the test ends."""
    p = Procs(tmp_path)
    try:
        yield p
    finally:
        p.stop_all()


@pytest.fixture(scope="session")
def tools() -> SimpleNamespace:
    return SimpleNamespace(REPO=REPO, exe=exe, free_port=free_port, run=run, wait_until=wait_until)
