"""Ctrl-C under Prefect: exit 130 at once with one line, as ``newsetl run --no-prefect`` does.

A terminal sends SIGINT to its whole foreground process group. Prefect's temporary API server (started
when no ``PREFECT_API_URL`` is set) was in that group, so the same Ctrl-C stopped it, and the flow engine
then spent ~2.5 minutes retrying to report the crash to the dead API and ended in tracebacks (measured:
146 s, exit 1). So ``newsetl run``:

* starts that server itself, before the flow, in a process group of its own (it ends with newsetl: at
  exit as Prefect stops it, or when newsetl dies, by ``PR_SET_PDEATHSIG`` on Linux), so the engine reports
  the crash to a live API in milliseconds;
* on the first SIGINT silences logging (the engine's "Crash detected" lines and the batch tasks' failures
  are the interrupt itself, not news), ends the CPU pool's workers (they ignore SIGINT) and raises
  KeyboardInterrupt, so the run unwinds as without Prefect (lock released, nothing committed) and
  ``newsetl.cli`` prints its one line and returns 130; a second SIGINT exits 130 at once.
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import logging
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from types import FrameType
from typing import Any

from newsetl.errors import INTERRUPTED


def _own_group_dying_with_parent() -> None:  # runs in the child between fork and exec
    os.setpgid(0, 0)
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None).prctl(1, signal.SIGTERM, 0, 0, 0)  # PR_SET_PDEATHSIG


def start_ephemeral_api() -> Callable[[], None]:
    """Start Prefect's temporary API server now, out of the terminal's process group (call it while this
    process runs no other thread: the child runs a function between fork and exec). Nothing to do when a
    Prefect API is configured or the temporary server is off.

    Returns the wait: a call that blocks until the server answers (Prefect's own start-up loop, with its
    timeout and its retry on a taken port); call it before the flow. In between this process can do its
    own set-up while the server imports Prefect and opens its database on the other core (measured:
    the server takes ~3-5 s to answer, the set-up ~3 s CPU)."""
    from prefect.settings import PREFECT_API_URL, PREFECT_SERVER_EPHEMERAL_ENABLED

    if PREFECT_API_URL.value() or not PREFECT_SERVER_EPHEMERAL_ENABLED.value():
        return lambda: None
    from prefect.server.api.server import SubprocessASGIServer

    class OwnGroupServer(SubprocessASGIServer):
        """The server Prefect's ``get_client`` uses (the instance per port is shared through the class)."""

        spawned: subprocess.Popen[Any] | None = None  # started by start_ephemeral_api, waited for by start()

        def _run_uvicorn_command(self) -> subprocess.Popen[Any]:
            if self.spawned is not None:  # the first start(): the process already started
                proc, self.spawned = self.spawned, None
                return proc
            real = subprocess.Popen

            def popen(*args: Any, **kwargs: Any) -> subprocess.Popen[Any]:
                return real(*args, preexec_fn=_own_group_dying_with_parent, **kwargs)

            subprocess.Popen = popen  # type: ignore[assignment,misc]
            try:
                return super()._run_uvicorn_command()
            finally:
                subprocess.Popen = real  # type: ignore[misc]

    server = OwnGroupServer()
    if server.running or not isinstance(server, OwnGroupServer):  # Prefect's own instance already exists
        return server.start
    if server.port is None:
        server.port = server.find_available_port()
    server.spawned = proc = server._run_uvicorn_command()  # start() polls its health, stops it at exit

    def never_waited_for() -> None:  # e.g. Ctrl-C during the set-up: start() never registered its stop
        if server.server_process is None and proc.poll() is None:
            proc.terminate()

    atexit.register(never_waited_for)
    return server.start


@contextlib.contextmanager
def interrupt_quietly(on_interrupt: Callable[[], None]) -> Iterator[None]:
    """While inside: the first SIGINT silences logging, calls ``on_interrupt`` (no locks there: it runs in
    the signal handler) and raises KeyboardInterrupt; the second exits 130 at once."""
    hits = 0

    def handler(signum: int, frame: FrameType | None) -> None:
        nonlocal hits
        hits += 1
        if hits > 1:
            print(INTERRUPTED, file=sys.stderr, flush=True)
            os._exit(130)
        logging.disable(logging.CRITICAL)
        on_interrupt()
        raise KeyboardInterrupt

    if threading.current_thread() is not threading.main_thread():  # only the main thread gets signals
        yield
        return
    previous = signal.signal(signal.SIGINT, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        if hits:  # the flow has unwound: its crash logging is over
            logging.disable(logging.NOTSET)
